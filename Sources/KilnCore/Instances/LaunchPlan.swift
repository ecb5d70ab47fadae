import Foundation

/// The image, instance type and zone of a launch, checked before the store is read.
struct LaunchPlacement: Sendable {
    var imageID: String
    var typeName: String
    var type: InstanceTypeInfo
    var zone: String
}

/// Everything a launch needs to record its instances in one transaction: the request, its
/// resolved launch data and placement, an instance-store root made from its bundle, and the
/// ids drawn for the reservation, its instances and their volumes.
struct LaunchPlan: Sendable {
    var request: LaunchRequest
    var data: LaunchTemplateData
    var template: Instance.TemplateReference?
    var placement: LaunchPlacement
    var bundle: MaterializedBundle?
    var reservationID: String
    var instanceIDs: [String]
    /// Per instance, the ids of its volumes: the ephemeral root first when there is a bundle.
    var volumeIDs: [[String]]
    var now: Date
    /// The subnet, groups and addresses of the instances.
    var network: LaunchNetwork? = nil
    /// The IAM instance profile the instances run with.
    var profile: InstanceProfile? = nil
    /// In a cluster, the node launching them, which runs their machines.
    var node: String? = nil

    /// The instance at `index` of the reservation, before its volumes are recorded.
    func instance(_ index: Int, image: Image, caller: Caller) -> Instance {
        let id = instanceIDs[index]
        var instance = Instance(
            id: id,
            owner: caller.account,
            region: caller.region,
            reservationID: reservationID,
            launchIndex: index,
            image: image,
            instanceType: placement.typeName,
            availabilityZone: placement.zone,
            launchTime: now,
            privateIPAddress: InstanceService.privateAddress(for: id)
        )
        instance.node = node
        instance.hypervisor = placement.type.hypervisor
        instance.keyName = data.keyName
        instance.iamInstanceProfile = profile
        instance.userData = data.userData
        instance.clientToken = request.clientToken
        instance.launchTemplate = template
        instance.disableApiTermination = data.disableApiTermination ?? false
        instance.disableApiStop = data.disableApiStop ?? false
        instance.shutdownBehavior = data.shutdownBehavior.flatMap(ShutdownBehavior.init(rawValue:)) ?? .stop
        instance.ebsOptimized = data.ebsOptimized ?? false
        instance.securityGroupIDs = data.securityGroupIDs ?? []
        instance.kernelID = data.kernelID ?? image.kernelID
        instance.ramdiskID = data.ramdiskID ?? image.ramdiskID
        return instance
    }

    /// The metadata options the launch's instances get: the image's defaults, changed by
    /// what the launch names.
    func metadataOptions(image: Image) throws -> InstanceMetadataOptions {
        let defaults = InstanceMetadataOptions.launchDefaults(imdsSupport: image.imdsSupport)
        return try data.metadataOptions.map { try defaults.changed(by: $0) } ?? defaults
    }
}
