import ShardedHeap

extension ImageWriter {
    /// Opens a frame at `depth`.
    /// - Throws: ``ImageError/tooDeep(limit:)`` past ``maximumDepth``.
    func openFrame(_ kind: ImageWriterFrame.Kind, depth: Int) throws(ImageError) -> (id: Int, generation: UInt32) {
        guard depth <= maximumDepth else { throw .tooDeep(limit: maximumDepth) }
        let id: Int
        if let reused = freeFrames.popLast() {
            id = reused
        } else {
            id = frames.count
            frames.append(ImageWriterFrame())
        }
        frames[id].kind = kind
        frames[id].depth = depth
        frames[id].elementCode = 0
        frames[id].elementCount = 0
        return (id, frames[id].generation)
    }

    /// Checks that a container still refers to a live frame of `kind`, and throws any deferred
    /// error. Returns the frame's depth.
    @inline(__always)
    func checkFrame(_ id: Int, _ generation: UInt32, _ kind: ImageWriterFrame.Kind) throws -> Int {
        if let deferredError { throw deferredError }
        guard frames[id].generation == generation, frames[id].kind == kind else {
            throw EncodingError.invalidValue(
                (),
                EncodingError.Context(
                    codingPath: path,
                    debugDescription: "an encoding container was used after its value finished encoding"
                )
            )
        }
        return frames[id].depth
    }

    /// Gives a frame of an encoder its kind on the first `container` call; later calls must ask
    /// for the same kind (as with JSONEncoder, asking for another is a programming error).
    func claim(_ id: Int, _ generation: UInt32, as kind: ImageWriterFrame.Kind) {
        guard frames[id].generation == generation else {
            fatalError("OffHeap.copy: an Encoder was used after its value finished encoding")
        }
        if frames[id].kind == .undecided {
            frames[id].kind = kind
        } else {
            require(
                frames[id].kind == kind,
                "OffHeap.copy: a value asked its encoder for a \(kind) container after a \(frames[id].kind) one"
            )
        }
    }

    /// Encodes a child value and returns its node's offset: scalars directly, anything else in a
    /// new frame one level deeper than `depth`.
    func encodeValue<T: Encodable>(_ value: T, depth: Int, key: (any CodingKey)?) throws -> Int {
        if let offset = try writeScalar(value) { return offset }
        let (id, generation) = try openFrame(.undecided, depth: depth + 1)
        if let key { path.append(key) }
        defer { if key != nil { path.removeLast() } }
        try value.encode(to: ImageEncoder(writer: self, frame: id, generation: generation))
        return try finish(id)
    }

    /// Opens a nested frame recorded as a pending child of `parent` (for `nestedContainer` and
    /// `superEncoder`, which cannot throw: a too-deep error is deferred).
    func openNested(
        _ kind: ImageWriterFrame.Kind,
        in parent: Int,
        key: UInt32?
    ) -> (id: Int, generation: UInt32) {
        let depth = frames[parent].depth + 1
        do {
            if frames[parent].elementCode != 0 { try unpack(parent) }
            let (id, generation) = try openFrame(kind, depth: depth)
            if let key { frames[parent].keys.append(key) }
            frames[parent].targets.append(-1 - id)
            return (id, generation)
        } catch {
            deferredError = deferredError ?? error
            return openDetached(kind)
        }
    }

    /// Opens a frame that nothing refers to, for a container that must be returned after an
    /// error was deferred; its writes are discarded with the failed copy.
    func openDetached(_ kind: ImageWriterFrame.Kind) -> (id: Int, generation: UInt32) {
        // Depth 0 is always within the limit, so this cannot throw.
        try! openFrame(kind, depth: 0)
    }

    /// Adds a finished child to a keyed frame.
    @inline(__always)
    func add(key: UInt32, offset: Int, to id: Int) {
        frames[id].keys.append(key)
        frames[id].targets.append(offset)
    }

    /// Adds a child node to an unkeyed frame, unpacking its scalar array first if it had one.
    @inline(__always)
    func add(element offset: Int, to id: Int) throws(ImageError) {
        if frames[id].elementCode != 0 { try unpack(id) }
        frames[id].targets.append(offset)
    }

    /// Sets the value of a single-value frame.
    func setSingle(_ offset: Int, in id: Int, _ generation: UInt32) throws {
        if let deferredError { throw deferredError }
        guard frames[id].generation == generation, frames[id].kind == .single, frames[id].targets.isEmpty else {
            throw EncodingError.invalidValue(
                (),
                EncodingError.Context(
                    codingPath: path,
                    debugDescription: "a single value container was given a second value"
                )
            )
        }
        frames[id].targets.append(offset)
    }

    /// Writes a frame's node (after its pending nested frames) and releases the frame.
    func finish(_ id: Int) throws -> Int {
        if let deferredError { throw deferredError }
        var targets: [Int] = []
        swap(&targets, &frames[id].targets)
        for index in targets.indices where targets[index] < 0 {
            targets[index] = try finish(-1 - targets[index])
        }
        let offset: Int
        switch frames[id].kind {
        case .undecided:
            offset = try writeKeyed(keys: [], targets: [])
        case .keyed:
            var keys: [UInt32] = []
            swap(&keys, &frames[id].keys)
            offset = try writeKeyed(keys: keys, targets: targets)
            keys.removeAll(keepingCapacity: true)
            swap(&keys, &frames[id].keys)
        case .unkeyed:
            if frames[id].elementCode != 0 {
                offset = try writeScalarArray(frames[id])
            } else {
                offset = try writeArray(targets)
            }
        case .single:
            guard targets.count == 1 else {
                throw EncodingError.invalidValue(
                    (),
                    EncodingError.Context(codingPath: path, debugDescription: "a single value container got no value")
                )
            }
            offset = targets[0]
        case .free:
            fatalError("OffHeap.copy: finishing a released frame")
        }
        targets.removeAll(keepingCapacity: true)
        swap(&targets, &frames[id].targets)
        frames[id].keys.removeAll(keepingCapacity: true)
        frames[id].kind = .free
        frames[id].generation &+= 1
        freeFrames.append(id)
        return offset
    }

    // MARK: Container nodes

    func writeKeyed(keys: [UInt32], targets: [Int]) throws(ImageError) -> Int {
        require(
            keys.count == targets.count && keys.count <= Int(UInt32.max),
            "OffHeap.copy: a keyed node has \(keys.count) keys for \(targets.count) values"
        )
        let at = count
        var maxDistance: UInt64 = 0
        for target in targets { maxDistance = max(maxDistance, UInt64(at - target)) }
        var maxKey: UInt32 = 0
        for key in keys { maxKey = max(maxKey, key) }
        let distanceCode = ImageFormat.widthCode(for: maxDistance)
        let keyCode = ImageFormat.widthCode(for: UInt64(maxKey))
        let entry = ImageFormat.width(ofCode: keyCode) + ImageFormat.width(ofCode: distanceCode)
        try reserve(ImageFormat.keyedHeaderSize + keys.count * entry)
        put(ImageFormat.Tag.keyed)
        put(keyCode << 2 | distanceCode)
        put(UInt32(keys.count))
        for key in keys { put(UInt64(key), widthCode: keyCode) }
        for target in targets { put(UInt64(at - target), widthCode: distanceCode) }
        return at
    }

    func writeArray(_ targets: [Int]) throws(ImageError) -> Int {
        let at = count
        var lowest = at
        for target in targets { lowest = min(lowest, target) }
        let code = ImageFormat.widthCode(for: UInt64(at - lowest))
        try reserve(ImageFormat.arrayHeaderSize + targets.count * ImageFormat.width(ofCode: code))
        put(ImageFormat.Tag.array)
        put(code)
        put(UInt64(targets.count))
        switch code {
        case 0: for target in targets { put(UInt8(truncatingIfNeeded: at - target)) }
        case 1: for target in targets { put(UInt16(truncatingIfNeeded: at - target)) }
        case 2: for target in targets { put(UInt32(truncatingIfNeeded: at - target)) }
        default: for target in targets { put(UInt64(at - target)) }
        }
        return at
    }

    func writeScalarArray(_ frame: ImageWriterFrame) throws(ImageError) -> Int {
        try reserve(ImageFormat.scalarArrayHeaderSize)
        let at = count
        put(ImageFormat.Tag.scalarArray)
        put(frame.elementCode)
        put(UInt64(frame.elementCount))
        put(UInt64(at - frame.dataStart))
        return at
    }
}
