import Crypto
import Foundation

/// The emulated cloud: one service per concept over one shared ``CloudContext``.
///
/// Each front of the server talks to its own services (`cloud.volumes`, `cloud.images`,
/// `cloud.kms`…). The services are small values over the context, except Auto Scaling, whose
/// coordination of concurrent changes to a group lives in memory.
package struct Cloud: Sendable {
    /// What the services share.
    package let context: CloudContext
    /// Auto Scaling groups, launch configurations and instance refreshes.
    package let autoScaling: AutoScalingService

    /// Assembles a cloud and registers the transitions of every resource kind.
    package init(
        identity: IdentityDirectory,
        regions: RegionCatalog,
        store: any MetadataStore,
        clock: any Clock = SystemClock(),
        ids: any IDGenerator = RandomIDGenerator(),
        latency: Latency = .instant,
        blocks: any BlockStore,
        objects: any BlobStore,
        tokenKey: SymmetricKey = SymmetricKey(size: .bits256),
        keyWrappingKey: SymmetricKey = SymmetricKey(size: .bits256),
        runtime: any InstanceRuntime = SimulatedRuntime(),
        sharedUploads: Bool = false,
        nodeID: String? = nil
    ) {
        var scheduler = TransitionScheduler(latency: latency, clock: clock)
        VolumeService.registerTransitions(in: &scheduler)
        SnapshotService.registerTransitions(in: &scheduler)
        InstanceService.registerTransitions(in: &scheduler, machinesDriveStates: runtime.drivesStates)
        KMSService.registerTransitions(in: &scheduler)
        RecycleBinService.registerTransitions(in: &scheduler)
        self.context = CloudContext(
            identity: identity,
            regions: regions,
            store: store,
            clock: clock,
            ids: ids,
            scheduler: scheduler,
            blocks: blocks,
            objects: objects,
            tokenKey: tokenKey,
            keyWrappingKey: keyWrappingKey,
            runtime: runtime,
            sharedUploads: sharedUploads,
            nodeID: nodeID
        )
        self.autoScaling = AutoScalingService(context: context)
    }

    /// Accounts, keys and organizations.
    package var identity: IdentityDirectory { context.identity }
    /// Regions and zones.
    package var regions: RegionCatalog { context.regions }
    /// Where state is kept.
    package var store: any MetadataStore { context.store }
    /// The time.
    package var clock: any Clock { context.clock }
    /// Resource and request ids.
    package var ids: any IDGenerator { context.ids }
    /// Block data.
    package var blocks: any BlockStore { context.blocks }
    /// Whole objects: bundles and stored images.
    package var objects: any BlobStore { context.objects }

    /// DescribeRegions and DescribeAvailabilityZones.
    package var regionDirectory: RegionDirectoryService { context.regionDirectory }
    /// Account settings of a region: EBS encryption by default, image block public access.
    package var accountSettings: AccountSettingsService { context.accountSettings }
    /// Tags on every kind of resource.
    package var tags: TagService { context.tags }
    /// EBS volumes, their attachments and their bytes.
    package var volumes: VolumeService { context.volumes }
    /// EBS snapshots, their permissions, storage accounting and the EBS direct APIs.
    package var snapshots: SnapshotService { context.snapshots }
    /// AMIs: registration, sharing, life cycle, copies, creation and store tasks.
    package var images: ImageService { context.images }
    /// Instance-store bundles and the objects they are made of.
    package var bundles: BundleService { context.bundles }
    /// Instances, their states and attributes.
    package var instances: InstanceService { context.instances }
    /// Launch templates and their versions.
    package var launchTemplates: LaunchTemplateService { context.launchTemplates }
    /// EC2 key pairs.
    package var keyPairs: KeyPairService { context.keyPairs }
    /// KMS keys, aliases, policies, grants and cryptography.
    package var kms: KMSService { context.kms }
    /// SSM parameters, with the public image parameters.
    package var parameters: ParameterService { context.parameters }
    /// The public images every region starts with.
    package var catalog: CatalogService { context.catalog }
    /// VPCs, subnets, security groups, gateways, route tables and network interfaces.
    package var networks: NetworkService { context.networks }
    /// What images hold: layouts, secrets, waste and block sharing.
    package var inspection: InspectionService { context.inspection }
    /// What images, snapshots and volumes cost, and which nobody uses.
    package var cost: CostService { context.cost }
    /// Recycle Bin rules, and the snapshots and images they keep.
    package var recycleBin: RecycleBinService { context.recycleBin }

    /// Carries out the transitions that are due; returns how many. The server's background
    /// task calls it, and so do tests after moving their clock.
    @discardableResult
    package func applyDueTransitions() async throws -> Int {
        let scheduler = context.scheduler
        return try await store.write { try scheduler.applyDue(in: $0) }
    }

    /// When the next transition falls due, if any is waiting.
    package func nextTransitionDue() async throws -> Date? {
        try await store.read { try $0.nextTransitionDue() }
    }

    /// Forgets all state, for test suites (`POST /moto-api/reset`).
    package func reset() async throws {
        try await store.write { try $0.eraseEverything() }
    }
}
