import Foundation
import KilnCore

/// Gathers an image's lineage through the services, as the signed-in account sees it.
extension Console {
    /// The most copies and instances drawn.
    static let lineageLimit = 6

    func lineage(of image: Image, caller: Caller) async -> LineageGraph {
        var graph = LineageGraph()
        let row = await origins(of: image, caller: caller)
        var previous: Int?
        for (column, var member) in row.enumerated() {
            member.column = column
            member.isCurrent = member.kind == .image && member.id == image.id
            let index = graph.add(member)
            if let previous { graph.connect(previous, index) }
            previous = index
        }
        let current = graph.nodes.count - 1
        let next = graph.nodes[current].column + 1
        var nextRow = 0
        for copy in await copies(of: image, caller: caller) {
            let index = graph.add(node(copy, column: next, row: nextRow))
            graph.connect(current, index)
            nextRow += 1
        }
        for (instance, made) in await instancesAndImages(of: image, caller: caller) {
            let instanceIndex = graph.add(
                LineageGraph.Node(
                    kind: .instance,
                    id: instance.id,
                    label: "\(instance.instanceType), \(instance.state.rawValue)",
                    region: caller.region.rawValue,
                    href: Display.href("/console/instances/\(instance.id)", [("region", caller.region.rawValue)]),
                    column: next,
                    row: nextRow
                )
            )
            graph.connect(current, instanceIndex)
            for (offset, child) in made.prefix(2).enumerated() {
                let index = graph.add(node(child, column: next + 1, row: nextRow + offset))
                graph.connect(instanceIndex, index)
            }
            nextRow += max(1, min(made.count, 2))
        }
        return graph
    }

    /// Where `image` came from, oldest first, ending with it: the images it was copied from,
    /// back to the first, and the instance (with its image) the first was created from.
    private func origins(of image: Image, caller: Caller) async -> [LineageGraph.Node] {
        let chain = (try? await cloud.images.imageAncestry(caller, imageID: image.id)) ?? [image]
        var row: [LineageGraph.Node] = []
        if let root = chain.last, let instanceID = root.sourceInstanceID {
            let rootCaller = caller.moved(to: root.region)
            let instance = try? await cloud.instances.instance(rootCaller, id: instanceID)
            if let instance, let parent = await visibleImage(instance.imageID, caller: rootCaller) {
                row.append(node(parent, column: 0, row: 0))
            }
            row.append(
                LineageGraph.Node(
                    kind: .instance,
                    id: instanceID,
                    label: instance.map { "\($0.instanceType), \($0.state.rawValue)" } ?? "not visible",
                    region: root.region.rawValue,
                    href: instance.map { Display.href("/console/instances/\($0.id)", [("region", root.region.rawValue)]) },
                    column: 0,
                    row: 0
                )
            )
        }
        return row + chain.reversed().map { node($0, column: 0, row: 0) }
    }

    /// The account's copies of `image`, in every region.
    private func copies(of image: Image, caller: Caller) async -> [Image] {
        var result: [Image] = []
        for region in cloud.regions.enabled.map(\.name) where result.count < Self.lineageLimit {
            let description = ImageDescription(
                owners: ["self"],
                filters: [
                    Filter(name: "source-image-id", values: [image.id]), Filter(name: "source-image-region", values: [image.region.rawValue]),
                ],
                includeDeprecated: true,
                includeDisabled: true
            )
            let found = try? await cloud.images.describeImages(caller.moved(to: region), description, page: .everything())
            result += (found?.images ?? []).map(\.0)
        }
        return Array(result.prefix(Self.lineageLimit))
    }

    /// The account's instances launched from `image`, each with the images made from it.
    private func instancesAndImages(of image: Image, caller: Caller) async -> [(Instance, [Image])] {
        let filters = [Filter(name: "image-id", values: [image.id])]
        guard let found = try? await cloud.instances.describeInstances(caller, ids: nil, filters: filters, page: .everything()) else {
            return []
        }
        let reservations = found.reservations
        let instances = Array(reservations.flatMap(\.instances).prefix(Self.lineageLimit))
        guard !instances.isEmpty else { return [] }
        let description = ImageDescription(
            owners: ["self"],
            filters: [Filter(name: "source-instance-id", values: instances.map(\.id))],
            includeDeprecated: true,
            includeDisabled: true
        )
        let made = (try? await cloud.images.describeImages(caller, description, page: .everything()))?.images.map(\.0) ?? []
        return instances.map { instance in (instance, made.filter { $0.sourceInstanceID == instance.id }) }
    }

    /// The image, if the account may see it.
    private func visibleImage(_ id: String, caller: Caller) async -> Image? {
        let description = ImageDescription(ids: [id], includeDeprecated: true, includeDisabled: true)
        return (try? await cloud.images.describeImages(caller, description, page: .everything()))?.images.first?.0
    }

    private func node(_ image: Image, column: Int, row: Int) -> LineageGraph.Node {
        LineageGraph.Node(
            kind: .image,
            id: image.id,
            label: image.name,
            region: image.region.rawValue,
            href: Display.href("/console/images/\(image.id)", [("region", image.region.rawValue)]),
            column: column,
            row: row
        )
    }
}

extension Caller {
    /// The same caller in `region`.
    func moved(to region: RegionName) -> Caller {
        var caller = self
        caller.region = region
        return caller
    }
}
