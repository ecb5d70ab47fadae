/// The services a service may call on: each a value over the same context.
extension CloudContext {
    package var regionDirectory: RegionDirectoryService { RegionDirectoryService(context: self) }
    package var accountSettings: AccountSettingsService { AccountSettingsService(context: self) }
    package var tags: TagService { TagService(context: self) }
    package var volumes: VolumeService { VolumeService(context: self) }
    package var snapshots: SnapshotService { SnapshotService(context: self) }
    package var images: ImageService { ImageService(context: self) }
    package var bundles: BundleService { BundleService(context: self) }
    package var instances: InstanceService { InstanceService(context: self) }
    package var launchTemplates: LaunchTemplateService { LaunchTemplateService(context: self) }
    package var keyPairs: KeyPairService { KeyPairService(context: self) }
    package var kms: KMSService { KMSService(context: self) }
    package var parameters: ParameterService { ParameterService(context: self) }
    package var catalog: CatalogService { CatalogService(context: self) }
    package var networks: NetworkService { NetworkService(context: self) }
    package var instanceMetadata: InstanceMetadataService { InstanceMetadataService(context: self) }
}
