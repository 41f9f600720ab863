/// Pages that lie next to each other in memory: `pageCount` pages from `start`.
///
/// A region borrows its pages in runs (see ``Region``), and its ledger keeps one entry per run,
/// merging a run into the previous one when the two touch, so closing a region walks a few runs
/// rather than every page.
struct PageRun {
    var start: UnsafeMutableRawPointer
    var pageCount: Int

    /// The first byte after the run.
    @inline(__always)
    func end(pageSize: Int) -> UnsafeMutableRawPointer {
        // Safe: address arithmetic only; the run covers `pageCount * pageSize` bytes.
        start + pageCount * pageSize
    }
}
