extension RawList where Element == UnsafeMutableRawPointer {
    /// Removes and returns the run of pages at the top of a free list: the last page, and the
    /// pages below it for as long as each one starts where the previous one ends, `maximum` at
    /// most. O(pages taken).
    /// - Precondition: The list is not empty; `maximum >= 1`.
    mutating func popRun(upTo maximum: Int, pageSize: Int) -> PageRun {
        require(count > 0 && maximum >= 1, "RawList.popRun: empty list or maximum \\(maximum) below 1")
        // Safe: the list holds `count` initialised addresses.
        let top = base.unsafelyUnwrapped + (count - 1)
        let start = top.pointee
        var taken = 1
        while taken < maximum && taken < count && top[-taken] == start + taken * pageSize {
            taken += 1
        }
        removeLast(taken)
        return PageRun(start: start, pageCount: taken)
    }

    /// Pushes the pages of `runs` so that popping gives the first run first, each run's pages in
    /// ascending order. O(pages).
    mutating func push(_ runs: borrowing PageRunList, pageSize: Int) {
        reserveCapacity(count + runs.pageCount)
        var index = runs.count - 1
        while index >= 0 {
            let run = runs[index]
            appendPages(of: run, pageSize: pageSize)
            index -= 1
        }
    }
}
