/// The runs of pages a region holds from one pool, oldest first, a run merged into the one
/// before it when the two touch.
///
/// The first run is stored inline: a region whose pages all came in address order (the usual
/// case) holds a single run and never allocates a list. Later runs that do not touch the one
/// before go to a ``RawList``.
///
/// Not thread-safe: its ledger's owner serialises access.
struct PageRunList: ~Copyable {
    private var first: PageRun?
    private var rest = RawList<PageRun>()

    init() {}

    /// The number of separate runs.
    var count: Int { first == nil ? 0 : 1 + rest.count }

    var isEmpty: Bool { first == nil }

    /// Run `index`, oldest first.
    subscript(index: Int) -> PageRun {
        require(index >= 0 && index < count, "PageRunList: index \(index) out of range 0..<\(count)")
        return index == 0 ? first.unsafelyUnwrapped : rest[index - 1]
    }

    /// The pages in every run. O(runs).
    var pageCount: Int {
        var total = 0
        for index in 0..<count { total += self[index].pageCount }
        return total
    }

    /// Adds `run`, merging it into the newest run when it starts where that one ends.
    /// - Returns: Whether it was merged.
    mutating func record(_ run: PageRun, pageSize: Int) -> Bool {
        guard let head = first else {
            first = run
            return false
        }
        if rest.isEmpty {
            if head.end(pageSize: pageSize) == run.start {
                first = PageRun(start: head.start, pageCount: head.pageCount + run.pageCount)
                return true
            }
        } else {
            let last = rest.count - 1
            if rest[last].end(pageSize: pageSize) == run.start {
                rest[last].pageCount += run.pageCount
                return true
            }
        }
        rest.append(run)
        return false
    }

    /// The end of the run that holds `address`, searching the newest first; nil when none does.
    /// O(runs).
    func endOfRun(holding address: UnsafeMutableRawPointer, pageSize: Int) -> UnsafeMutableRawPointer? {
        var index = count - 1
        while index >= 0 {
            let run = self[index]
            let end = run.end(pageSize: pageSize)
            if address >= run.start && address < end { return end }
            index -= 1
        }
        return nil
    }

    /// Forgets every run, keeping the list's buffer.
    mutating func removeAll() {
        first = nil
        rest.removeAll()
    }
}
