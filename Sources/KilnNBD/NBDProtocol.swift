/// The numbers of the NBD protocol's fixed newstyle negotiation and transmission phase, as
/// the protocol document of the NBD project defines them.
public enum NBDProtocol {
    /// `NBDMAGIC`, the first eight bytes a server sends.
    public static let initMagic: UInt64 = 0x4e42_444d_4147_4943
    /// `IHAVEOPT`: the second eight bytes a server sends, and the start of every option.
    public static let optionMagic: UInt64 = 0x4948_4156_454F_5054
    /// The start of every option reply.
    public static let optionReplyMagic: UInt64 = 0x0003_e889_0455_65a9
    /// The start of every transmission request.
    public static let requestMagic: UInt32 = 0x2560_9513
    /// The start of every simple reply.
    public static let simpleReplyMagic: UInt32 = 0x6744_6698

    /// Handshake flags the server sends.
    public enum HandshakeFlag {
        public static let fixedNewstyle: UInt16 = 1 << 0
        public static let noZeroes: UInt16 = 1 << 1
    }

    /// Flags the client answers with.
    public enum ClientFlag {
        public static let fixedNewstyle: UInt32 = 1 << 0
        public static let noZeroes: UInt32 = 1 << 1
    }

    /// Options of the negotiation phase.
    public enum Option {
        public static let exportName: UInt32 = 1
        public static let abort: UInt32 = 2
        public static let list: UInt32 = 3
        public static let info: UInt32 = 6
        public static let go: UInt32 = 7
    }

    /// Option reply types; errors have the top bit set.
    public enum Reply {
        public static let ack: UInt32 = 1
        public static let server: UInt32 = 2
        public static let info: UInt32 = 3
        public static let errorUnsupported: UInt32 = 0x8000_0001
        public static let errorInvalid: UInt32 = 0x8000_0003
        public static let errorUnknown: UInt32 = 0x8000_0006
    }

    /// Information items of NBD_OPT_INFO and NBD_OPT_GO.
    public enum Info {
        public static let export: UInt16 = 0
        public static let blockSize: UInt16 = 3
    }

    /// Transmission flags: what the export supports.
    public enum TransmissionFlag {
        public static let hasFlags: UInt16 = 1 << 0
        public static let readOnly: UInt16 = 1 << 1
        public static let sendFlush: UInt16 = 1 << 2
        public static let sendFUA: UInt16 = 1 << 3
        public static let sendTrim: UInt16 = 1 << 5
        public static let sendWriteZeroes: UInt16 = 1 << 6
    }

    /// Command flags.
    public enum CommandFlag {
        /// Force unit access: the write is durable when its reply is sent.
        public static let fua: UInt16 = 1 << 0
    }

    /// Error numbers carried in replies (Linux errno values, as the protocol fixes them).
    public enum Error {
        public static let ioError: UInt32 = 5
        public static let invalid: UInt32 = 22
        public static let noSpace: UInt32 = 28
        public static let unsupported: UInt32 = 95
    }

    /// The largest payload of one request a server takes: 32 MiB, as QEMU's client sends at most.
    public static let maximumPayload = 32 * 1024 * 1024
    /// The largest option a server reads.
    public static let maximumOption = 64 * 1024
}
