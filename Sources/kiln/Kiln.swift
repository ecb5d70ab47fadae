import ArgumentParser

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
        subcommands: [Serve.self, Image.self, Volume.self, Bundle.self, Verify.self, GC.self, Storage.self, Debug.self],
        defaultSubcommand: nil
    )
}
