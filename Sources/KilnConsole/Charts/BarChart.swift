/// A horizontal bar chart drawn as SVG: one labelled bar per item, its value written beside it.
struct BarChart: Sendable {
    struct Bar: Sendable {
        var label: String
        var value: Double
        /// The value as the chart writes it.
        var text: String
        /// Marks a bar (orphaned storage) in a second colour.
        var highlighted = false
    }

    var id: String
    var title: String
    var bars: [Bar]

    static let width = 640
    static let labelWidth = 130
    static let valueWidth = 120
    static let rowHeight = 30

    func svg() -> String {
        let height = 30 + max(bars.count, 1) * Self.rowHeight
        let largest = bars.map(\.value).max() ?? 0
        let room = Double(Self.width - Self.labelWidth - Self.valueWidth)
        let summary = bars.map { "\($0.label): \($0.text)" }.joined(separator: "; ")
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" id="\(id)" class="chart" role="img" aria-labelledby="\(id)-title \(id)-desc" \
            viewBox="0 0 \(Self.width) \(height)" width="\(Self.width)" height="\(height)">\
            <title id="\(id)-title">\(Display.escape(title))</title><desc id="\(id)-desc">\(Display.escape(summary.isEmpty ? "Nothing stored." : summary))</desc>\
            <text x="0" y="16" font-size="15" font-weight="bold" fill="#1f1f1f">\(Display.escape(title))</text>
            """
        if bars.isEmpty {
            svg += "<text x=\"0\" y=\"46\" font-size=\"12\" fill=\"#44474e\">Nothing stored yet.</text>"
        }
        for (index, bar) in bars.enumerated() {
            let y = 28 + index * Self.rowHeight
            let length = largest > 0 ? max(bar.value > 0 ? 2 : 0, Int(bar.value / largest * room)) : 0
            let colour = bar.highlighted ? "#b3261e" : "#0b57d0"
            svg += """
                <text x="\(Self.labelWidth - 8)" y="\(y + 19)" font-size="14" text-anchor="end" fill="#1f1f1f">\(Display.escape(bar.label))</text>\
                <rect x="\(Self.labelWidth)" y="\(y + 3)" width="\(length)" height="\(Self.rowHeight - 8)" fill="\(colour)" rx="2"/>\
                <text x="\(Self.labelWidth + length + 6)" y="\(y + 19)" font-size="14" fill="#1f1f1f">\(Display.escape(bar.text))</text>
                """
        }
        return svg + "</svg>"
    }
}
