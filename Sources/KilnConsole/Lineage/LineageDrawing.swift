/// Draws a ``LineageGraph`` as SVG: a box per image or instance (a link to its page), and an
/// arrow per copy, launch and image creation, named after it.
enum LineageDrawing {
    static let boxWidth = 190
    static let boxHeight = 60
    static let columnGap = 120
    static let rowGap = 22
    static let margin = 10

    static func svg(_ graph: LineageGraph) -> String {
        let width = margin * 2 + graph.columns * boxWidth + (graph.columns - 1) * columnGap
        let height = margin * 2 + graph.rows * boxHeight + (graph.rows - 1) * rowGap
        let summary = graph.edges.map { edge in
            "\(graph.nodes[edge.from].id) \(edge.label) \(graph.nodes[edge.to].id)"
        }
        let description = summary.isEmpty ? "No other image or instance is related to this image." : summary.joined(separator: "; ") + "."
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" id="lineage-svg" role="img" aria-labelledby="lineage-title lineage-desc" \
            width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)">\
            <title id="lineage-title">Lineage</title><desc id="lineage-desc">\(Display.escape(description))</desc>\
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">\
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#44474e"/></marker></defs>
            """
        for edge in graph.edges { svg += arrow(edge, graph) }
        for node in graph.nodes { svg += box(node) }
        return svg + "</svg>"
    }

    static func origin(_ node: LineageGraph.Node) -> (x: Int, y: Int) {
        (margin + node.column * (boxWidth + columnGap), margin + node.row * (boxHeight + rowGap))
    }

    private static func arrow(_ edge: LineageGraph.Edge, _ graph: LineageGraph) -> String {
        let from = origin(graph.nodes[edge.from])
        let to = origin(graph.nodes[edge.to])
        let (x1, y1) = (from.x + boxWidth, from.y + boxHeight / 2)
        let (x2, y2) = (to.x - 2, to.y + boxHeight / 2)
        let middle = (x1 + x2) / 2
        let path = y1 == y2 ? "M \(x1) \(y1) L \(x2) \(y2)" : "M \(x1) \(y1) C \(middle) \(y1), \(middle) \(y2), \(x2) \(y2)"
        let labelY = y2 - 6
        return """
            <path d="\(path)" fill="none" stroke="#44474e" stroke-width="1.5" marker-end="url(#arrow)"/>\
            <text x="\(middle)" y="\(labelY)" text-anchor="middle" font-size="10" fill="#1f1f1f" paint-order="stroke" stroke="#ffffff" \
            stroke-width="3">\(Display.escape(edge.label))</text>
            """
    }

    private static func box(_ node: LineageGraph.Node) -> String {
        let (x, y) = origin(node)
        let fill = node.isCurrent ? "#dbe7fd" : node.kind == .instance ? "#fdf1d6" : "#ffffff"
        let stroke = node.isCurrent ? "#0b57d0" : node.kind == .instance ? "#8a5300" : "#5f6368"
        let kind = node.kind == .image ? "image" : "instance"
        var text = """
            <rect x="\(x)" y="\(y)" width="\(boxWidth)" height="\(boxHeight)" rx="6" fill="\(fill)" stroke="\(stroke)" \
            stroke-width="\(node.isCurrent ? 2.5 : 1.2)"\(node.href == nil ? " stroke-dasharray=\"4 3\"" : "")/>\
            <text x="\(x + 10)" y="\(y + 17)" font-size="11" fill="#44474e">\(kind) · \(Display.escape(node.region))</text>\
            <text x="\(x + 10)" y="\(y + 34)" font-size="12" font-family="monospace" fill="#1f1f1f">\(Display.escape(node.id))</text>\
            <text x="\(x + 10)" y="\(y + 51)" font-size="12" fill="#1f1f1f">\(Display.escape(truncated(node.label)))</text>
            """
        if let href = node.href, !node.isCurrent {
            text = "<a href=\"\(Display.escape(href))\" class=\"lineage-node\">\(text)</a>"
        }
        return "<g class=\"lineage-\(kind)\" data-id=\"\(Display.escape(node.id))\">\(text)</g>"
    }

    private static func truncated(_ text: String) -> String {
        text.count > 26 ? String(text.prefix(25)) + "…" : text
    }
}
