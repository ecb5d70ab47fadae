/// The numbers of the NBD protocol's fixed newstyle negotiation and transmission phase, as
/// the protocol document of the NBD project defines them.
package enum NBDProtocol {
    /// `NBDMAGIC`, the first eight bytes a server sends.
    package static let initMagic: UInt64 = 0x4e42_444d_4147_4943
    /// `IHAVEOPT`: the second eight bytes a server sends, and the start of every option.
    package static let optionMagic: UInt64 = 0x4948_4156_454F_5054
    /// The start of every option reply.
    package static let optionReplyMagic: UInt64 = 0x0003_e889_0455_65a9
    /// The start of every transmission request.
    package static let requestMagic: UInt32 = 0x2560_9513
    /// The start of every simple reply.
    package static let simpleReplyMagic: UInt32 = 0x6744_6698

    /// Handshake flags the server sends.
    package enum HandshakeFlag {
        package static let fixedNewstyle: UInt16 = 1 << 0
        package static let noZeroes: UInt16 = 1 << 1
    }

    /// Flags the client answers with.
    package enum ClientFlag {
        package static let fixedNewstyle: UInt32 = 1 << 0
        package static let noZeroes: UInt32 = 1 << 1
    }

    /// Options of the negotiation phase.
    package enum Option {
        package static let exportName: UInt32 = 1
        package static let abort: UInt32 = 2
        package static let list: UInt32 = 3
        package static let info: UInt32 = 6
        package static let go: UInt32 = 7
    }

    /// Option reply types; errors have the top bit set.
    package enum Reply {
        package static let ack: UInt32 = 1
        package static let server: UInt32 = 2
        package static let info: UInt32 = 3
        package static let errorUnsupported: UInt32 = 0x8000_0001
        package static let errorInvalid: UInt32 = 0x8000_0003
        package static let errorUnknown: UInt32 = 0x8000_0006
    }

    /// Information items of NBD_OPT_INFO and NBD_OPT_GO.
    package enum Info {
        package static let export: UInt16 = 0
        package static let blockSize: UInt16 = 3
    }

    /// Transmission flags: what the export supports.
    package enum TransmissionFlag {
        package static let hasFlags: UInt16 = 1 << 0
        package static let readOnly: UInt16 = 1 << 1
        package static let sendFlush: UInt16 = 1 << 2
        package static let sendFUA: UInt16 = 1 << 3
        package static let sendTrim: UInt16 = 1 << 5
        package static let sendWriteZeroes: UInt16 = 1 << 6
    }

    /// Command flags.
    package enum CommandFlag {
        /// Force unit access: the write is durable when its reply is sent.
        package static let fua: UInt16 = 1 << 0
    }

    /// Error numbers carried in replies (Linux errno values, as the protocol fixes them).
    package enum Error {
        package static let ioError: UInt32 = 5
        package static let invalid: UInt32 = 22
        package static let noSpace: UInt32 = 28
        package static let unsupported: UInt32 = 95
    }

    /// The largest payload of one request a server takes: 32 MiB, as QEMU's client sends at most.
    package static let maximumPayload = 32 * 1024 * 1024
    /// The largest option a server reads.
    package static let maximumOption = 64 * 1024
}
