/// The checked header and bytes of an image: what ``OffHeapImage`` and ``MappedImage`` share.
struct ImageContent: Sendable {
    let storage: ImageStorage
    let header: ImageHeader

    /// Checks the header of `storage` against `V`. O(1).
    init<V>(storage: ImageStorage, as type: V.Type) throws(ImageError) {
        self.storage = storage
        self.header = try ImageHeader.read(
            from: storage.bytes,
            expectedFingerprint: ImageFingerprint.of(type),
            typeName: ImageFingerprint.name(of: type)
        )
    }

    /// A fresh decoding pass.
    func pass() throws(ImageError) -> ImageReaderState {
        try ImageReaderState(storage: storage, keyTable: header.keyTable, maximumDepth: OffHeap.maximumDepth)
    }

    func get<V: Decodable>(_ type: V.Type) throws -> V {
        try pass().decodeValue(type, at: ImageNodeRef(offset: header.root), key: nil)
    }

    var root: ImageCursor {
        ImageCursor(storage: storage, keyTable: header.keyTable, ref: ImageNodeRef(offset: header.root))
    }
}
