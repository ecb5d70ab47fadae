import Foundation

/// `dynamic/instance-identity/document`: EC2's JSON about an instance, with its members in
/// EC2's order and its empty members as `null`.
struct InstanceIdentityDocument: Sendable, Encodable {
    var accountId: String
    var architecture: String
    var availabilityZone: String
    var imageId: String
    var instanceId: String
    var instanceType: String
    var kernelId: String?
    var pendingTime: String
    var privateIp: String
    var ramdiskId: String?
    var region: String
    var version = "2017-09-30"

    private enum CodingKeys: String, CodingKey {
        case accountId, architecture, availabilityZone, billingProducts, devpayProductCodes, marketplaceProductCodes, imageId, instanceId
        case instanceType, kernelId, pendingTime, privateIp, ramdiskId, region, version
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(accountId, forKey: .accountId)
        try container.encode(architecture, forKey: .architecture)
        try container.encode(availabilityZone, forKey: .availabilityZone)
        try container.encodeNil(forKey: .billingProducts)
        try container.encodeNil(forKey: .devpayProductCodes)
        try container.encodeNil(forKey: .marketplaceProductCodes)
        try container.encode(imageId, forKey: .imageId)
        try container.encode(instanceId, forKey: .instanceId)
        try container.encode(instanceType, forKey: .instanceType)
        try container.encode(kernelId, forKey: .kernelId)
        try container.encode(pendingTime, forKey: .pendingTime)
        try container.encode(privateIp, forKey: .privateIp)
        try container.encode(ramdiskId, forKey: .ramdiskId)
        try container.encode(region, forKey: .region)
        try container.encode(version, forKey: .version)
    }

    /// The document as pretty-printed JSON.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
