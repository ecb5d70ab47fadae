/// An image's lineage as boxes on a grid and arrows between them: the images and instance it
/// came from on the first row, ending with the image itself; its copies, and the instances
/// launched from it with the images made from them, to its right.
struct LineageGraph: Sendable, Equatable {
    /// An image or an instance.
    struct Node: Sendable, Equatable {
        enum Kind: String, Sendable { case image, instance }

        var kind: Kind
        var id: String
        /// The image's name, or the instance's type and state.
        var label: String
        var region: String
        /// The console page of the resource, when the account may open it.
        var href: String?
        /// Whether it is the image the page shows.
        var isCurrent = false
        var column: Int
        var row: Int
    }

    /// An arrow from one node to another, named after the call that made the second.
    struct Edge: Sendable, Equatable {
        var from: Int
        var to: Int
        var label: String
    }

    var nodes: [Node] = []
    var edges: [Edge] = []

    /// Adds `node`; returns its index.
    @discardableResult
    mutating func add(_ node: Node) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }

    /// Adds an arrow named after how `to` came from `from`.
    mutating func connect(_ from: Int, _ to: Int) {
        let label: String
        switch (nodes[from].kind, nodes[to].kind) {
        case (.image, .instance): label = "launched"
        case (.instance, .image): label = "create image"
        case (.image, .image): label = nodes[to].region == nodes[from].region ? "copy" : "copy to \(nodes[to].region)"
        case (.instance, .instance): label = ""
        }
        edges.append(Edge(from: from, to: to, label: label))
    }

    var columns: Int { (nodes.map(\.column).max() ?? 0) + 1 }
    var rows: Int { (nodes.map(\.row).max() ?? 0) + 1 }
}
