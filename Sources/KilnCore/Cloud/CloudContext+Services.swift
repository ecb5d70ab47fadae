/// The services a service may call on: each a value over the same context.
extension CloudContext {
    public var regionDirectory: RegionDirectoryService { RegionDirectoryService(context: self) }
    public var accountSettings: AccountSettingsService { AccountSettingsService(context: self) }
    public var tags: TagService { TagService(context: self) }
    public var volumes: VolumeService { VolumeService(context: self) }
    public var snapshots: SnapshotService { SnapshotService(context: self) }
    public var images: ImageService { ImageService(context: self) }
    public var bundles: BundleService { BundleService(context: self) }
    public var instances: InstanceService { InstanceService(context: self) }
    public var launchTemplates: LaunchTemplateService { LaunchTemplateService(context: self) }
    public var keyPairs: KeyPairService { KeyPairService(context: self) }
    public var kms: KMSService { KMSService(context: self) }
    public var parameters: ParameterService { ParameterService(context: self) }
    public var catalog: CatalogService { CatalogService(context: self) }
    public var networks: NetworkService { NetworkService(context: self) }
}
