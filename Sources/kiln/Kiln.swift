import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

/// The `kiln` command: the service and the tools that talk to it.
@main
struct Kiln: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiln",
        abstract: "A self-hosted machine image service that speaks the Amazon EC2 AMI API.",
        discussion: """
            Start the service with `kiln serve`, then point the aws CLI or any AWS SDK at it:

              export AWS_ENDPOINT_URL=http://127.0.0.1:8787
              aws ec2 describe-regions
            """,
        subcommands: [
            Serve.self, Image.self, Volume.self, Instance.self, Bundle.self, Verify.self, Backup.self, GC.self, Storage.self, Cost.self, Debug.self,
            Migrate.self,
            MetadataRelay.self,
        ],
        defaultSubcommand: nil
    )

    /// Tunes the C allocator, then runs the command.
    static func main() async {
        tuneAllocator()
        await main(nil)
    }

    /// Keeps glibc's allocator from handing each 512 KiB block buffer back to the kernel.
    ///
    /// By default an allocation of 512 KiB gets pages of its own, or the top of a heap that
    /// the last free just trimmed, so every block read, decompressed or sent began with 128
    /// page faults and as many zeroed pages: a fifth of the server's CPU in an export. Up to
    /// 2 MiB, allocations now come from the heaps, which keep up to 16 MiB free at their top.
    static func tuneAllocator() {
        #if canImport(Glibc)
            // Swift's Glibc module does not import <malloc.h>: `mallopt` is looked up by name, and
            // M_TRIM_THRESHOLD (-1) and M_MMAP_THRESHOLD (-3) are that header's values.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(-3, 2 << 20)
            _ = mallopt(-1, 16 << 20)
        #endif
    }
}
