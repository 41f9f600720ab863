extension UniqueBuffer {
    /// Hands the block over without copying; the buffer is consumed and frees nothing.
    /// - Returns: The block and the number of initialised bytes at its start.
    package consuming func detachBlock() -> (block: DetachedBlock, count: Int) {
        let (block, count) = takeBlock()
        return (DetachedBlock(block), count)
    }
}
