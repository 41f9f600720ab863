import ShardedHeap

/// A table of text cells printed with aligned columns: the first column left-aligned, the others
/// right-aligned, two spaces between columns. Every line has the same width.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(header: [String]) {
        self.header = header
    }

    mutating func append(_ row: [String]) {
        require(row.count == header.count, "TextTable: a row needs \(header.count) cells")
        rows.append(row)
    }

    /// The lines of the table, header first, without trailing newlines.
    var lines: [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        return ([header] + rows).map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                if column == 0 {
                    line += cell + padding
                } else {
                    line += "  " + padding + cell
                }
            }
            return line
        }
    }
}
