import Foundation

/// What the metadata service shows of one instance, read in one transaction: the instance,
/// its subnet and VPC, and its tags. It resolves request paths to answers.
struct MetadataView: Sendable {
    var instance: Instance
    var subnet: Subnet?
    var vpc: Vpc?
    var tags: [Tag]

    /// The view of `instanceID`, or nil when there is no such live instance.
    static func load(_ instanceID: String, in transaction: any MetadataTransaction) throws -> MetadataView? {
        guard let instance = try transaction.fetch(Instance.self, id: instanceID), instance.state != .terminated else { return nil }
        let subnet = try instance.network.flatMap { try transaction.fetch(Subnet.self, id: $0.subnetID) }
        let vpc = try instance.network.flatMap { try transaction.fetch(Vpc.self, id: $0.vpcID) }
        return MetadataView(instance: instance, subnet: subnet, vpc: vpc, tags: try transaction.tags(on: instanceID, by: instance.owner))
    }

    /// The answer for `path` (a GET with any token already checked).
    func resolve(_ path: String, tagsEnabled: Bool, now: Date) -> MetadataAnswer {
        if path == "/" { return .text(InstanceMetadataService.versions.joined(separator: "\n")) }
        var components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let version = components.first, InstanceMetadataService.versions.contains(version) else { return .notFound }
        components.removeFirst()
        guard let category = components.first else {
            return .text((["dynamic", "meta-data"] + (instance.userData == nil ? [] : ["user-data"])).joined(separator: "\n"))
        }
        let rest = components.dropFirst().joined(separator: "/")
        switch category {
        case "user-data" where rest.isEmpty:
            guard let text = instance.userData, let bytes = Data(base64Encoded: text) else { return .notFound }
            return .value(Array(bytes), contentType: "application/octet-stream")
        case "meta-data":
            return MetadataTree(leaves: metaData(tagsEnabled: tagsEnabled), listings: listings).answer(rest)
        case "dynamic":
            return MetadataTree(leaves: ["instance-identity/document": identityDocument()], listings: [:]).answer(rest)
        default:
            return .notFound
        }
    }

    /// The `meta-data/` tree's values, by path.
    func metaData(tagsEnabled: Bool) -> [String: String] {
        let region = instance.region.rawValue
        var leaves: [String: String] = [
            "ami-id": instance.imageID,
            "ami-launch-index": "\(instance.launchIndex)",
            "ami-manifest-path": "(unknown)",
            "hostname": instance.privateDNSName,
            "instance-action": "none",
            "instance-id": instance.id,
            "instance-life-cycle": "on-demand",
            "instance-type": instance.instanceType,
            "local-hostname": instance.privateDNSName,
            "local-ipv4": instance.privateIPAddress,
            "placement/availability-zone": instance.availabilityZone,
            "placement/region": region,
            "profile": "default-hvm",
            "reservation-id": instance.reservationID,
            "services/domain": "amazonaws.com",
            "services/partition": "aws",
            "events/maintenance/scheduled": "[]",
            "events/maintenance/history": "[]",
        ]
        if let zoneID = subnet?.availabilityZoneID { leaves["placement/availability-zone-id"] = zoneID }
        if let publicKey = instance.publicKey { leaves["public-keys/0/openssh-key"] = publicKey }
        for (name, value) in blockDeviceMapping { leaves["block-device-mapping/\(name)"] = value }
        leaves.merge(networkLeaves) { first, _ in first }
        if tagsEnabled {
            for tag in tags where !tag.key.contains("/") { leaves["tags/instance/\(tag.key)"] = tag.value }
        }
        return leaves
    }

    /// Listings that are not derived from the leaves: `public-keys/` names each key as
    /// `INDEX=NAME`, as EC2 does.
    var listings: [String: String] {
        guard instance.publicKey != nil else { return [:] }
        return ["public-keys": "0=\(instance.keyName ?? "")"]
    }

    /// `block-device-mapping/`: the image's root as `ami` and `root`, and each other EBS
    /// device as `ebsN`.
    var blockDeviceMapping: [(String, String)] {
        let root = instance.rootDeviceName
        var mapping = [("ami", root.replacingOccurrences(of: "/dev/", with: "")), ("root", root)]
        let others = instance.devices.filter { $0.deviceName != root }.sorted { $0.attachTime < $1.attachTime }
        for (index, device) in others.enumerated() {
            mapping.append(("ebs\(index + 1)", device.deviceName.replacingOccurrences(of: "/dev/", with: "")))
        }
        return mapping
    }

    /// The addresses, groups and `network/interfaces/macs/MAC/` of the primary interface.
    var networkLeaves: [String: String] {
        guard let network = instance.network else { return [:] }
        let mac = network.macAddress
        let interface = "network/interfaces/macs/\(mac)/"
        var leaves = [
            "mac": mac,
            "security-groups": network.groups.map(\.name).joined(separator: "\n"),
            interface + "device-number": "0",
            interface + "interface-id": network.networkInterfaceID,
            interface + "local-hostname": instance.privateDNSName,
            interface + "local-ipv4s": instance.privateIPAddress,
            interface + "mac": mac,
            interface + "owner-id": instance.owner.rawValue,
            interface + "security-group-ids": network.groups.map(\.id).joined(separator: "\n"),
            interface + "security-groups": network.groups.map(\.name).joined(separator: "\n"),
            interface + "subnet-id": network.subnetID,
            interface + "vpc-id": network.vpcID,
        ]
        if let subnet { leaves[interface + "subnet-ipv4-cidr-block"] = subnet.cidr.description }
        if let vpc {
            leaves[interface + "vpc-ipv4-cidr-block"] = vpc.cidr.description
            leaves[interface + "vpc-ipv4-cidr-blocks"] = vpc.cidr.description
        }
        if let publicIP = network.publicIPAddress, let publicName = network.publicDNSName(region: instance.region) {
            leaves["public-ipv4"] = publicIP
            leaves["public-hostname"] = publicName
            leaves[interface + "public-ipv4s"] = publicIP
            leaves[interface + "public-hostname"] = publicName
        }
        return leaves
    }

    /// `dynamic/instance-identity/document`: EC2's JSON document about the instance.
    func identityDocument() -> String {
        let document = InstanceIdentityDocument(
            accountId: instance.owner.rawValue,
            architecture: instance.architecture,
            availabilityZone: instance.availabilityZone,
            imageId: instance.imageID,
            instanceId: instance.id,
            instanceType: instance.instanceType,
            kernelId: instance.kernelID,
            pendingTime: instance.launchTime.iso8601Text,
            privateIp: instance.privateIPAddress,
            ramdiskId: instance.ramdiskID,
            region: instance.region.rawValue
        )
        return document.json
    }
}

extension MetadataAnswer {
    /// A `text/plain` value.
    static func text(_ text: String) -> MetadataAnswer { .value(Array(text.utf8), contentType: "text/plain") }
}
