extension RawList where Element == PageRun {
    /// Removes and returns up to `maximum` pages from the start of the run at the top of a free
    /// list (at least one page). A longer run stays on the list with the rest of its pages. O(1).
    /// - Precondition: The list is not empty; `maximum >= 1`.
    mutating func popRun(upTo maximum: Int, pageSize: Int) -> PageRun {
        require(count > 0 && maximum >= 1, "RawList.popRun: empty list or maximum \(maximum) below 1")
        let top = count - 1
        let run = self[top]
        guard run.pageCount > maximum else {
            removeLast(1)
            return run
        }
        // Safe: address arithmetic inside the run, which has more than `maximum` pages.
        self[top] = PageRun(start: run.start + maximum * pageSize, pageCount: run.pageCount - maximum)
        return PageRun(start: run.start, pageCount: maximum)
    }

    /// Pushes `run`, joining it to the run at the top when it ends where that one starts, so that
    /// popping gives `run`'s pages first, in ascending order. O(1) amortised.
    mutating func pushRun(_ run: PageRun, pageSize: Int) {
        if count > 0 {
            let top = self[count - 1]
            if run.end(pageSize: pageSize) == top.start {
                self[count - 1] = PageRun(start: run.start, pageCount: run.pageCount + top.pageCount)
                return
            }
        }
        append(run)
    }

    /// Pushes every run of `runs` so that popping gives the first run first. O(runs).
    mutating func push(_ runs: borrowing PageRunList, pageSize: Int) {
        var index = runs.count - 1
        while index >= 0 {
            pushRun(runs[index], pageSize: pageSize)
            index -= 1
        }
    }
}
