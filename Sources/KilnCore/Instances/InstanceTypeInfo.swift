/// What Kiln knows of an EC2 instance type: enough to refuse launches AWS refuses and to
/// answer DescribeInstanceTypes.
package struct InstanceTypeInfo: Sendable, Equatable {
    /// The type's name, such as `t3.micro`.
    package var name: String
    /// The processor architectures its images must have (`x86_64` types also run `i386`).
    package var architectures: [String]
    /// Virtual CPUs.
    package var vCPUs: Int
    /// Memory in MiB.
    package var memoryMiB: Int
    /// Local instance-store disks in GB, `nil` for EBS-only types. Only these types can boot an
    /// instance-store-backed image.
    package var instanceStorageGB: Int?
    /// `nitro` or `xen`.
    package var hypervisor: String
    /// The boot modes its firmware offers.
    package var bootModes: [String]
    /// Whether AWS counts it as of the current generation.
    package var currentGeneration: Bool
    /// Whether its facts are known; a type without them launches any architecture and is not
    /// listed by DescribeInstanceTypes.
    package var factsKnown: Bool

    /// Whether an image of `architecture` runs on this type.
    package func runs(architecture: String) -> Bool { !factsKnown || architectures.contains(architecture) }
}
