/// What CreateImage asks for.
package struct ImageCreation: Sendable {
    package var instanceID: String
    package var name: String
    package var description: String?
    /// Without it the instance reboots so that its file systems are consistent.
    package var noReboot: Bool
    /// Devices to add, resize or suppress.
    package var mappings: [ImageRegistration.Mapping]
    package var imageTags: [Tag]
    package var snapshotTags: [Tag]

    /// Describes a CreateImage request.
    package init(
        instanceID: String,
        name: String,
        description: String? = nil,
        noReboot: Bool = false,
        mappings: [ImageRegistration.Mapping] = [],
        imageTags: [Tag] = [],
        snapshotTags: [Tag] = []
    ) {
        self.instanceID = instanceID
        self.name = name
        self.description = description
        self.noReboot = noReboot
        self.mappings = mappings
        self.imageTags = imageTags
        self.snapshotTags = snapshotTags
    }
}
