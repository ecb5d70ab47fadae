import Foundation

/// One image of the catalogue every region starts with: AWS-provided images, a Marketplace
/// product and community images, each backed by a small real snapshot.
package struct CatalogImage: Sendable {
    /// A family of versions; the newest is what SSM's public parameter resolves to.
    package var family: String
    package var owner: AccountID
    package var ownerAlias: String?
    package var name: String
    package var description: String
    package var architecture: String
    package var platform: String?
    package var platformDetails: String
    package var usageOperation: String
    package var rootDeviceName: String
    package var volumeSize: Int
    package var volumeType: VolumeType
    package var bootMode: String?
    package var productCode: String?
    /// When this version was published.
    package var published: Date
    /// Whether an older version is already past its deprecation time.
    package var deprecated: Bool
    /// The SSM public parameter that names the family's newest version, if any.
    package var parameter: String?
    /// The id the image has in every region (moto's catalogue); `nil` for an id derived from
    /// the region and name.
    package var fixedID: String? = nil
    package var virtualizationType = "hvm"
    /// Where the image says it came from; `nil` for `owner alias/name`.
    package var imageLocation: String? = nil
    package var sriovNetSupport: String? = "simple"
    /// Whether AWS's default deprecation, two years after publication, applies.
    package var deprecates = true
}

/// The catalogue.
package enum Catalog {
    /// AWS's owner id for Amazon Linux.
    package static let amazon = AccountID("137112412989") ?? .defaultAccount
    /// AWS's owner id for Windows Server.
    package static let amazonWindows = AccountID("801119661308") ?? .defaultAccount
    /// Canonical's owner id.
    package static let canonical = AccountID("099720109477") ?? .defaultAccount
    /// Debian's owner id.
    package static let debian = AccountID("136693071363") ?? .defaultAccount
    /// The Marketplace's owner id.
    package static let marketplace = AccountID("679593333241") ?? .defaultAccount
    /// The accounts whose images and snapshots AWS shows with the owner alias `amazon`.
    package static let amazonOwners: Set<AccountID> = Set(
        ["137112412989", "801119661308", "013907871322", "898082745236"].compactMap(AccountID.init)
    )
    /// A community publisher.
    package static let community = AccountID("210987654321") ?? .defaultAccount

    static func day(_ text: String) -> Date {
        (try? Date("\(text)T00:00:00Z", strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
    }

    /// Every catalogue image, all versions.
    package static let images: [CatalogImage] = {
        var images: [CatalogImage] = []
        func add(
            family: String,
            owner: AccountID,
            alias: String?,
            versions: [(String, String)],
            description: (String) -> String,
            name: (String, String) -> String,
            architectures: [String] = ["x86_64", "arm64"],
            platform: String? = nil,
            platformDetails: String = "Linux/UNIX",
            usage: String = "RunInstances",
            root: String = "/dev/xvda",
            size: Int = 8,
            type: VolumeType = .gp3,
            bootMode: String? = "uefi-preferred",
            productCode: String? = nil,
            parameter: ((String) -> String)? = nil
        ) {
            for architecture in architectures {
                for (position, (version, date)) in versions.enumerated() {
                    let newest = position == versions.count - 1
                    images.append(
                        CatalogImage(
                            family: "\(family)-\(architecture)",
                            owner: owner,
                            ownerAlias: alias,
                            name: name(version, architecture),
                            description: description(version),
                            architecture: architecture,
                            platform: platform,
                            platformDetails: platformDetails,
                            usageOperation: usage,
                            rootDeviceName: root,
                            volumeSize: size,
                            volumeType: type,
                            bootMode: bootMode,
                            productCode: productCode,
                            published: day(date),
                            deprecated: position == 0 && versions.count > 2,
                            parameter: newest ? parameter?(architecture) : nil
                        )
                    )
                }
            }
        }
        add(
            family: "al2023",
            owner: amazon,
            alias: "amazon",
            versions: [("2023.6.20250107.0", "2025-01-07"), ("2023.7.20250414.0", "2025-04-14"), ("2023.9.20251020.0", "2025-10-20")],
            description: { "Amazon Linux 2023 AMI \($0)" },
            name: { "al2023-ami-\($0)-kernel-6.1-\($1)" },
            parameter: { "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-\($0)" }
        )
        add(
            family: "amzn2",
            owner: amazon,
            alias: "amazon",
            versions: [("2.0.20250108.0", "2025-01-08"), ("2.0.20251014.0", "2025-10-14")],
            description: { "Amazon Linux 2 Kernel 5.10 AMI \($0)" },
            name: { "amzn2-ami-kernel-5.10-hvm-\($0)-\($1)-gp2" },
            type: .gp2,
            bootMode: nil,
            parameter: { "/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-\($0)-gp2" }
        )
        for (release, codename, dates) in [
            ("22.04", "jammy", [("20250112", "2025-01-12"), ("20250610", "2025-06-10"), ("20251015", "2025-10-15")]),
            ("24.04", "noble", [("20250115", "2025-01-15"), ("20251022", "2025-10-22")]),
        ] {
            add(
                family: "ubuntu-\(release)",
                owner: canonical,
                alias: nil,
                versions: dates,
                description: { "Canonical, Ubuntu, \(release), amd64 \(codename) image build on \($0)" },
                name: { version, architecture in
                    "ubuntu/images/hvm-ssd\(release == "24.04" ? "-gp3" : "")/ubuntu-\(codename)-\(release)-\(architecture == "arm64" ? "arm64" : "amd64")-server-\(version)"
                },
                root: "/dev/sda1",
                type: release == "24.04" ? .gp3 : .gp2,
                bootMode: "uefi-preferred",
                parameter: { architecture in
                    "/aws/service/canonical/ubuntu/server/\(release)/stable/current/\(architecture == "arm64" ? "arm64" : "amd64")/hvm/ebs-\(release == "24.04" ? "gp3" : "gp2")/ami-id"
                }
            )
        }
        add(
            family: "debian-12",
            owner: debian,
            alias: nil,
            versions: [("20250112-1990", "2025-01-12"), ("20251006-2257", "2025-10-06")],
            description: { "Debian 12 (\($0))" },
            name: { version, architecture in "debian-12-\(architecture == "arm64" ? "arm64" : "amd64")-\(version)" },
            bootMode: "uefi-preferred",
            parameter: { "/aws/service/debian/release/12/latest/\($0 == "arm64" ? "arm64" : "amd64")" }
        )
        add(
            family: "windows-2022",
            owner: amazonWindows,
            alias: "amazon",
            versions: [("2025.01.15", "2025-01-15"), ("2025.10.15", "2025-10-15")],
            description: { "Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon (\($0))" },
            name: { version, _ in "Windows_Server-2022-English-Full-Base-\(version)" },
            architectures: ["x86_64"],
            platform: "windows",
            platformDetails: "Windows",
            usage: "RunInstances:0002",
            root: "/dev/sda1",
            size: 30,
            bootMode: "uefi",
            parameter: { _ in "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base" }
        )
        add(
            family: "marketplace-nginx",
            owner: marketplace,
            alias: "aws-marketplace",
            versions: [("1.26.2", "2025-03-01"), ("1.28.0", "2025-09-01")],
            description: { "Hardened NGINX \($0) on Amazon Linux 2023 (Marketplace product)" },
            name: { version, architecture in "kiln-hardened-nginx-\(version)-\(architecture)-marketplace" },
            architectures: ["x86_64"],
            productCode: "4d7fqmyl0ex6wdmvs6bqjvpzn"
        )
        add(
            family: "community-docker",
            owner: community,
            alias: nil,
            versions: [("2025.02", "2025-02-01"), ("2025.09", "2025-09-01")],
            description: { "Community image: Ubuntu 22.04 with Docker CE (\($0))" },
            name: { version, architecture in "community/ubuntu-22.04-docker-ce-\(architecture)-\(version)" },
            root: "/dev/sda1"
        )
        return images
    }()
}
