import Foundation
import KilnCore
import KilnInspect

extension Console {
    /// Images whose snapshots hold at most this much data are inspected with their page;
    /// larger ones when asked, as reading them takes seconds (`bench/inspection.py`).
    static let inspectedWithThePage: Int64 = 256_000_000

    /// The instance types the launch form offers.
    static let launchTypes = ["t3.micro", "t3.small", "t3.medium", "m5.large", "c5.large", "t4g.micro"]

    /// The image page: `InvalidAMIID.NotFound` for an image the account may not see, as the API answers.
    func imagePage(_ session: ConsoleSession, id: String, inspectNow: Bool = false) async throws -> Page {
        let caller = session.caller()
        let description = ImageDescription(ids: [id], includeDeprecated: true, includeDisabled: true)
        let (found, _) = try await cloud.images.describeImages(caller, description, page: .everything())
        guard let first = found.first else { throw CloudError.imageNotFound([id]) }
        let (image, tags) = first
        let now = cloud.clock.now
        let (mappings, total, dataBytes) = await mappingRows(image, caller: caller)
        let permissions = image.launchPermissions.map(Self.permissionRow)
        let view = ImageView(
            id: image.id,
            name: image.name,
            description: image.description,
            owner: image.owner.rawValue,
            ownerAlias: image.ownerAlias,
            state: image.state.rawValue,
            stateReason: image.stateReason.map { "\($0.code): \($0.message)" },
            pending: image.state == .pending,
            visibility: Self.row(image, account: caller.account, region: caller.region, now: now).visibility,
            architecture: image.architecture,
            platform: image.platform ?? image.platformDetails,
            rootDevice: image.rootDeviceName ?? "",
            rootDeviceType: image.rootDeviceType,
            virtualization: image.virtualizationType,
            bootMode: image.bootMode,
            created: Display.date(image.creationDate) ?? "",
            deprecation: Display.date(image.deprecationTime).map { image.isDeprecated(at: now) ? "deprecated since \($0)" : "deprecated at \($0)" },
            lastLaunched: Display.date(image.lastLaunchedTime),
            protection: Self.protectionText(image.deregistrationProtection, now: now),
            disabled: image.state == .disabled,
            sourceImage: image.sourceImageID.map { "\($0) (\(image.sourceRegion ?? caller.region.rawValue))" },
            sourceInstance: image.sourceInstanceID,
            mappings: mappings,
            totalMonthly: Display.dollars(total),
            permissions: permissions,
            hasPermissions: !permissions.isEmpty,
            tags: tags.map { TagRow(key: $0.key, value: $0.value) },
            hasTags: !tags.isEmpty,
            hygiene: inspectNow || dataBytes <= Self.inspectedWithThePage
                ? await hygiene(image, caller: caller) : HygieneView(deferredFor: image, dataBytes: dataBytes),
            lineage: LineageDrawing.svg(await lineage(of: image, caller: caller)),
            isOwner: image.owner == caller.account,
            canLaunch: image.state == .available,
            copyRegions: regionNames.map { Option(value: $0, label: $0, selected: $0 != caller.region.rawValue && $0 == "us-west-2") },
            instanceTypes: Display.options(Self.launchTypes.map { ($0, $0) }, chosen: "t3.micro")
        )
        return Page(title: image.name, section: "images", body: pages.render("image", view, session: session))
    }

    /// Each device with its snapshot's size and monthly cost, and the total; snapshots the
    /// account may not read (another account's) show their size from the mapping only.
    func mappingRows(_ image: Image, caller: Caller) async -> (rows: [MappingRow], monthly: Double, dataBytes: Int64) {
        var rows: [MappingRow] = []
        var total = 0.0
        var dataBytes: Int64 = 0
        for mapping in image.blockDeviceMappings {
            guard let ebs = mapping.ebs else {
                let what = mapping.noDevice ? "suppressed" : "instance store \(mapping.virtualName ?? "")"
                rows.append(
                    MappingRow(
                        device: mapping.deviceName,
                        snapshot: what,
                        size: "",
                        volumeType: "",
                        encrypted: "",
                        stored: "",
                        billed: "",
                        monthly: ""
                    )
                )
                continue
            }
            var row = MappingRow(
                device: mapping.deviceName,
                snapshot: ebs.snapshotID ?? "(empty volume)",
                size: "\(ebs.volumeSize) GiB",
                volumeType: ebs.volumeType.rawValue,
                encrypted: ebs.encrypted ? "yes" : "no",
                stored: "—",
                billed: "—",
                monthly: "—"
            )
            if let snapshotID = ebs.snapshotID,
                let found = try? await cloud.snapshots.describeSnapshots(caller, ids: [snapshotID], owners: nil, filters: [], page: .everything()),
                let snapshot = found.snapshots.first?.0
            {
                let storage = snapshot.storage
                let archived = snapshot.storageTier.rawValue == "archive"
                let billed = archived ? storage?.logicalBytes ?? 0 : storage?.changedBytes ?? 0
                let monthly = StoragePrices.monthly(billed, at: archived ? StoragePrices.archiveSnapshot : StoragePrices.standardSnapshot)
                row.size = "\(snapshot.volumeSize) GiB"
                row.stored = Display.bytes(storage?.logicalBytes ?? 0)
                row.billed = Display.bytes(billed) + (archived ? " (archive)" : "")
                row.monthly = snapshot.owner == caller.account ? Display.dollars(monthly) : "billed to \(snapshot.owner)"
                if snapshot.owner == caller.account { total += monthly }
                dataBytes += storage?.logicalBytes ?? 0
            }
            rows.append(row)
        }
        return (rows, total, dataBytes)
    }

    /// The image's findings, through the inspection service `GET /kiln/images/{id}/inspection` uses.
    func hygiene(_ image: Image, caller: Caller) async -> HygieneView {
        do {
            let report = try await cloud.inspection.inspect(caller, id: image.id)
            let findings = report.findings.map { finding in
                FindingRow(
                    severity: finding.severity.rawValue,
                    kind: finding.kind.rawValue,
                    location: finding.path ?? finding.offset.map { "offset \($0)" } ?? "",
                    detail: finding.detail
                )
            }
            let summary =
                findings.isEmpty
                ? "No findings in \(report.volumes.count) volume(s)."
                : "\(findings.count) finding(s); highest severity \(report.highestSeverity?.rawValue ?? "none")."
            return HygieneView(problem: nil, summary: summary, findings: findings, hasFindings: !findings.isEmpty, inspectHref: nil)
        } catch {
            let problem = Problem(error)
            return HygieneView(
                problem: ProblemView(code: problem.code, message: problem.message),
                summary: nil,
                findings: [],
                hasFindings: false,
                inspectHref: nil
            )
        }
    }

    static func permissionRow(_ permission: Image.LaunchPermission) -> PermissionRow {
        switch permission {
        case .all: PermissionRow(kind: "everyone (public)", value: "all", field: "group")
        case .account(let account): PermissionRow(kind: "account", value: account.rawValue, field: "account")
        case .organization(let arn): PermissionRow(kind: "organization", value: arn, field: "organization")
        case .organizationalUnit(let arn): PermissionRow(kind: "organizational unit", value: arn, field: "unit")
        }
    }

    static func protectionText(_ protection: DeregistrationProtection, now: Date) -> String {
        switch protection {
        case .disabled: "off"
        case .enabled(let cooldown): cooldown ? "on, with a 24-hour cooldown" : "on"
        case .disabledUntil(let date): date > now ? "off from \(Display.date(date) ?? "")" : "off"
        }
    }
}
