extension ImageContent {
    /// Checks every node reachable from the root and the key table, iteratively: bounds, tags,
    /// widths, references, key ids, UTF-8, nesting depth, and that no node has two parents.
    ///
    /// After it succeeds, decoding can still fail only with a `DecodingError` (the image holds
    /// another shape than the type expects), never with an ``ImageError`` about the bytes.
    func validate() throws(ImageError) {
        let bytes = source.bytes
        let keys = source.keys
        let table = try keys.table
        for id in 0..<table.count {
            let offset = try table.child(id, in: bytes)
            guard case .string(let start, let count) = try bytes.node(at: offset) else {
                throw .unexpectedNode(at: offset, expected: "String (a key)", found: "another node")
            }
            try checkUTF8(bytes, start, count, at: offset)
        }
        // One bit per byte offset marks the nodes already reached.
        var seen = [UInt64](repeating: 0, count: bytes.count / 64 + 1)
        // Work items: a node to check, or the rest of a container's children (so the stack stays
        // as small as the nesting, however long the arrays are).
        var pending: [(offset: Int, next: Int, depth: Int)] = [(header.root, -1, 1)]
        while let (offset, next, depth) = pending.popLast() {
            let node = try bytes.node(at: offset)
            if next < 0 {
                let (word, bit) = (offset / 64, UInt64(1) << UInt64(offset % 64))
                guard seen[word] & bit == 0 else { throw .sharedNode(at: offset) }
                seen[word] |= bit
            }
            switch node {
            case .string(let start, let count):
                try checkUTF8(bytes, start, count, at: offset)
            case .keyed(let keyed):
                guard depth <= OffHeap.maximumDepth else { throw .tooDeep(limit: OffHeap.maximumDepth) }
                let field = max(next, 0)
                guard field < keyed.count else { break }
                _ = try keys.bytes(ofKey: keyed.keyID(field, in: bytes), in: keyed)
                pending.append((offset, field + 1, depth))
                pending.append((try keyed.child(field, in: bytes), -1, depth + 1))
            case .array(let array):
                guard depth <= OffHeap.maximumDepth else { throw .tooDeep(limit: OffHeap.maximumDepth) }
                let index = max(next, 0)
                guard index < array.count else { break }
                pending.append((offset, index + 1, depth))
                pending.append((try array.child(index, in: bytes), -1, depth + 1))
            case .scalarArray, .null, .bool, .signed, .unsigned, .float, .double:
                break
            }
        }
    }

    private func checkUTF8(_ bytes: ImageBytes, _ start: Int, _ count: Int, at offset: Int) throws(ImageError) {
        guard bytes.string(start: start, count: count) != nil else { throw .invalidUTF8(at: offset) }
    }
}
