/// What Kiln knows of an EC2 instance type: enough to refuse launches AWS refuses and to
/// answer DescribeInstanceTypes.
public struct InstanceTypeInfo: Sendable, Equatable {
    /// The type's name, such as `t3.micro`.
    public var name: String
    /// The processor architectures its images must have (`x86_64` types also run `i386`).
    public var architectures: [String]
    /// Virtual CPUs.
    public var vCPUs: Int
    /// Memory in MiB.
    public var memoryMiB: Int
    /// Local instance-store disks in GB, `nil` for EBS-only types. Only these types can boot an
    /// instance-store-backed image.
    public var instanceStorageGB: Int?
    /// `nitro` or `xen`.
    public var hypervisor: String
    /// The boot modes its firmware offers.
    public var bootModes: [String]

    /// Whether an image of `architecture` runs on this type.
    public func runs(architecture: String) -> Bool { architectures.contains(architecture) }
}

/// The instance types Kiln launches: a selection of AWS's current and previous generations,
/// x86_64 and arm64, EBS-only and with instance storage.
public enum InstanceTypeCatalog {
    /// A type by name, if Kiln knows it.
    public static func info(_ name: String) -> InstanceTypeInfo? { byName[name] }

    /// Every known type, by name.
    public static let all: [InstanceTypeInfo] = {
        let x86 = ["x86_64"]
        let x86Legacy = ["i386", "x86_64"]
        let arm = ["arm64"]
        let uefiOrBIOS = ["legacy-bios", "uefi"]
        let uefi = ["uefi"]
        func type(
            _ name: String, _ architectures: [String], _ vCPUs: Int, _ memoryMiB: Int, storage: Int? = nil,
            hypervisor: String = "nitro", boot: [String]
        ) -> InstanceTypeInfo {
            InstanceTypeInfo(
                name: name, architectures: architectures, vCPUs: vCPUs, memoryMiB: memoryMiB, instanceStorageGB: storage,
                hypervisor: hypervisor, bootModes: boot
            )
        }
        return [
            // RunInstances's default when no type is given.
            type("m1.small", x86Legacy, 1, 1740, storage: 160, hypervisor: "xen", boot: ["legacy-bios"]),
            type("t2.nano", x86Legacy, 1, 512, hypervisor: "xen", boot: ["legacy-bios"]),
            type("t2.micro", x86Legacy, 1, 1024, hypervisor: "xen", boot: ["legacy-bios"]),
            type("t2.small", x86Legacy, 1, 2048, hypervisor: "xen", boot: ["legacy-bios"]),
            type("t2.medium", x86Legacy, 2, 4096, hypervisor: "xen", boot: ["legacy-bios"]),
            type("t3.nano", x86, 2, 512, boot: uefiOrBIOS),
            type("t3.micro", x86, 2, 1024, boot: uefiOrBIOS),
            type("t3.small", x86, 2, 2048, boot: uefiOrBIOS),
            type("t3.medium", x86, 2, 4096, boot: uefiOrBIOS),
            type("t3.large", x86, 2, 8192, boot: uefiOrBIOS),
            type("t3a.micro", x86, 2, 1024, boot: uefiOrBIOS),
            type("t3a.medium", x86, 2, 4096, boot: uefiOrBIOS),
            type("t4g.nano", arm, 2, 512, boot: uefi),
            type("t4g.micro", arm, 2, 1024, boot: uefi),
            type("t4g.small", arm, 2, 2048, boot: uefi),
            type("t4g.medium", arm, 2, 4096, boot: uefi),
            type("m5.large", x86, 2, 8192, boot: uefiOrBIOS),
            type("m5.xlarge", x86, 4, 16384, boot: uefiOrBIOS),
            type("m5d.large", x86, 2, 8192, storage: 75, boot: uefiOrBIOS),
            type("m6i.large", x86, 2, 8192, boot: uefiOrBIOS),
            type("m6g.large", arm, 2, 8192, boot: uefi),
            type("m6gd.large", arm, 2, 8192, storage: 118, boot: uefi),
            type("m7g.large", arm, 2, 8192, boot: uefi),
            type("c5.large", x86, 2, 4096, boot: uefiOrBIOS),
            type("c5d.large", x86, 2, 4096, storage: 50, boot: uefiOrBIOS),
            type("c6g.large", arm, 2, 4096, boot: uefi),
            type("c7g.large", arm, 2, 4096, boot: uefi),
            type("r5.large", x86, 2, 16384, boot: uefiOrBIOS),
            type("r6g.large", arm, 2, 16384, boot: uefi),
            type("i3.large", x86, 2, 15616, storage: 475, boot: ["legacy-bios"]),
            type("m3.medium", x86Legacy, 1, 3840, storage: 4, hypervisor: "xen", boot: ["legacy-bios"]),
            type("c3.large", x86Legacy, 2, 3840, storage: 32, hypervisor: "xen", boot: ["legacy-bios"]),
            type("a1.medium", arm, 1, 2048, boot: uefi),
        ]
    }()

    private static let byName: [String: InstanceTypeInfo] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
