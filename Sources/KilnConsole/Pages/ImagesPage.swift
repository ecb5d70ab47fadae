import Foundation
import KilnCore

extension Console {
    /// How many images a page lists.
    static let imagesPerPage = 50
    /// The choices of the list's `<select>`s.
    static let architectures = [("", "Any"), ("x86_64", "x86_64"), ("arm64", "arm64"), ("i386", "i386")]
    static let platforms = [("", "Any"), ("linux", "Linux/UNIX"), ("windows", "Windows")]
    static let imageStates = [("", "Any"), ("available", "available"), ("pending", "pending"), ("failed", "failed"), ("disabled", "disabled")]
    /// The list's orders, by the value of its `sort` parameter; every page follows the order.
    static let sorts: [(value: String, label: String, order: ImageOrder)] = [
        ("", "Image ID", .byID), ("-id", "Image ID, last first", ImageOrder(.id, descending: true)),
        ("name", "Name, A to Z", ImageOrder(.name)), ("-name", "Name, Z to A", ImageOrder(.name, descending: true)),
        ("-created", "Newest first", ImageOrder(.creationDate, descending: true)), ("created", "Oldest first", ImageOrder(.creationDate)),
    ]

    /// The images page for `query`: its scope, filters, sort and page token.
    func imagesPage(_ session: ConsoleSession, _ query: FormFields) async throws -> Page {
        let caller = session.caller()
        let scope = ImageListScope(rawValue: query.text("scope") ?? "own") ?? .own
        var (description, platform) = try Self.imageDescription(query, scope: scope)
        let sort = Self.sorts.first { $0.value == query.text("sort") ?? "" } ?? Self.sorts[0]
        description.order = sort.order
        let parameters: [(String, String?)] = [
            ("scope", scope.rawValue), ("name", query.text("name")), ("owner", query.text("owner")),
            ("architecture", query.text("architecture")), ("platform", query.text("platform")), ("state", query.text("state")),
            ("tag", query.text("tag")), ("deprecated", query.isOn("deprecated") ? "on" : nil), ("sort", sort.value),
        ]
        // The token is bound to the filters and the order: a page of one order never continues another.
        let page = try cloud.context.pageRequest(
            "Console.Images",
            caller: caller,
            maxResults: Self.imagesPerPage,
            nextToken: query.text("token"),
            allowed: 5...1000,
            parameters: parameters.map { "\($0.0)=\($0.1 ?? "")" }
        )
        let started = ContinuousClock.now
        let (found, nextToken) = try await cloud.images.describeImages(caller, description, page: page)
        let elapsed = ContinuousClock.now - started
        let now = cloud.clock.now
        let images = found.map(\.0).filter { scope.keeps($0, account: caller.account) && Self.platformMatches($0, platform) }
        let rows = images.map { Self.row($0, account: caller.account, region: caller.region, now: now) }
        let view = ImagesView(
            scope: scope.rawValue,
            scopeLabel: scope.label.lowercased(),
            scopes: ImageListScope.allCases.map {
                NavItem(href: Display.href("/console/images", [("scope", $0.rawValue)]), label: $0.label, current: $0 == scope)
            },
            name: query.text("name") ?? "",
            owner: query.text("owner") ?? "",
            tag: query.text("tag") ?? "",
            architectures: Display.options(Self.architectures, chosen: query.text("architecture")),
            platforms: Display.options(Self.platforms, chosen: query.text("platform")),
            states: Display.options(Self.imageStates, chosen: query.text("state")),
            sorts: Display.options(Self.sorts.map { ($0.value, $0.label) }, chosen: sort.value),
            sortLabel: sort.label,
            nameHeader: Self.sortHeader("Name", id: "sort-name", key: .name, current: sort.order, parameters: parameters),
            idHeader: Self.sortHeader("Image ID", id: "sort-id", key: .id, current: sort.order, parameters: parameters),
            createdHeader: Self.sortHeader("Created", id: "sort-created", key: .creationDate, current: sort.order, parameters: parameters),
            includeDeprecated: query.isOn("deprecated"),
            rows: rows,
            hasRows: !rows.isEmpty,
            shown: rows.count == 1 ? "1 image" : "\(rows.count) images",
            elapsed: Display.duration(elapsed),
            nextHref: nextToken.map { Display.href("/console/images", parameters + [("token", $0)]) },
            firstHref: query.text("token") == nil ? nil : Display.href("/console/images", parameters)
        )
        return Page(title: "Images", section: "images", body: pages.render("images", view, session: session))
    }

    /// The heading of a column the list can be ordered by: a link to the list in that
    /// column's order from its first page, the other way round when it is the current order.
    static func sortHeader(_ label: String, id: String, key: ImageOrder.Key, current: ImageOrder, parameters: [(String, String?)]) -> SortHeader {
        let isCurrent = current.key == key
        // Newest first is the natural way to read dates; names and ids read from the start.
        let descending = isCurrent ? !current.descending : key == .creationDate
        let value = sorts.first { $0.order == ImageOrder(key, descending: descending) }?.value ?? ""
        return SortHeader(
            id: id,
            label: label,
            href: Display.href("/console/images", parameters.map { $0.0 == "sort" ? ("sort", value) : $0 }),
            ariaSort: isCurrent ? (current.descending ? "descending" : "ascending") : nil,
            indicator: isCurrent ? (current.descending ? "▼" : "▲") : nil
        )
    }

    /// The DescribeImages request of the list's filters, and the platform to keep (`linux`
    /// images have no platform, which no filter names).
    static func imageDescription(_ query: FormFields, scope: ImageListScope) throws -> (ImageDescription, String?) {
        var description = ImageDescription()
        scope.apply(to: &description)
        var filters: [Filter] = []
        if let name = query.text("name") { filters.append(Filter(name: "name", values: [name])) }
        if let owner = query.text("owner") {
            filters.append(Filter(name: AccountID(owner) == nil ? "owner-alias" : "owner-id", values: [owner]))
        }
        if let architecture = query.text("architecture") { filters.append(Filter(name: "architecture", values: [architecture])) }
        if query.text("platform") == "windows" { filters.append(Filter(name: "platform", values: ["windows"])) }
        if let state = query.text("state") {
            filters.append(Filter(name: "state", values: [state]))
            if state == "disabled" { description.includeDisabled = true }
        }
        if let tag = query.text("tag") {
            let parts = tag.split(separator: "=", maxSplits: 1).map(String.init)
            filters.append(
                parts.count == 2 ? Filter(name: "tag:\(parts[0])", values: [parts[1]]) : Filter(name: "tag-key", values: [tag])
            )
        }
        description.filters = filters
        description.includeDeprecated = query.isOn("deprecated")
        return (description, query.text("platform"))
    }

    static func platformMatches(_ image: Image, _ platform: String?) -> Bool {
        platform != "linux" || image.platform == nil
    }

    static func row(_ image: Image, account: AccountID, region: RegionName, now: Date) -> ImageRow {
        let visibility =
            image.isPublic
            ? "public" : image.owner == account ? (image.launchPermissions.isEmpty ? "private" : "shared by me") : "shared with me"
        return ImageRow(
            id: image.id,
            href: Display.href("/console/images/\(image.id)", [("region", region.rawValue)]),
            name: image.name,
            owner: image.owner.rawValue,
            ownerAlias: image.ownerAlias,
            state: image.state.rawValue,
            deprecated: image.isDeprecated(at: now),
            architecture: image.architecture,
            platform: image.platform ?? "Linux/UNIX",
            created: Display.date(image.creationDate) ?? "",
            visibility: visibility
        )
    }
}
