import Foundation

/// The catalogue of `kiln serve --catalog moto`: moto's preloaded public images, with the
/// ids that test suites written against moto launch.
extension Catalog {
    /// When moto's images say they were published: the date in most of their names.
    static let motoPublished = day("2017-10-13")

    /// moto's images whose ids are well-formed (8 or 17 hex digits) and that are EBS-backed;
    /// the others (`ami-ekswin`, an instance-store image) are left out.
    package static let motoImages: [CatalogImage] = motoTable.split(separator: "\n").compactMap(motoImage)

    /// One line of ``motoTable`` as a catalogue image.
    static func motoImage(_ line: Substring) -> CatalogImage? {
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 12, ResourcePrefix.image.matches(fields[0]), fields[6] == "ebs", let owner = AccountID(fields[1]) else {
            return nil
        }
        let windows = fields[4] == "windows"
        return CatalogImage(
            family: "moto-\(fields[0])",
            owner: owner,
            ownerAlias: "amazon",
            name: fields[2],
            description: fields[3],
            architecture: fields[5],
            platform: windows ? "windows" : nil,
            platformDetails: windows ? "Windows" : "Linux/UNIX",
            usageOperation: windows ? "RunInstances:0002" : "RunInstances",
            rootDeviceName: fields[8],
            volumeSize: windows ? 30 : 8,
            volumeType: .gp2,
            bootMode: nil,
            productCode: fields[11].split(separator: ",").first.map(String.init),
            published: motoPublished,
            deprecated: false,
            parameter: nil,
            fixedID: fields[0],
            virtualizationType: fields[7],
            imageLocation: fields[9].isEmpty ? nil : fields[9],
            sriovNetSupport: fields[10].isEmpty ? nil : fields[10],
            deprecates: false
        )
    }
}
