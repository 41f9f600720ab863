import Foundation
import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import OffHeapImages

/// Damaged images give an ImageError (or a DecodingError), never a crash or a read outside them.
@Suite("Off-heap image corruption")
struct ImageCorruptionTests {
    /// The bytes of an image of `value`.
    static func bytes<V: Codable>(of value: V) throws -> [UInt8] {
        try OffHeap.copy(value).withUnsafeBytes { Array($0) }
    }

    /// Loads `bytes` as an image of `V`.
    static func load<V: Codable>(_ bytes: [UInt8], as type: V.Type) throws(ImageError) -> OffHeapImage<V> {
        try OffHeapImage<V>(copying: bytes.span.bytes)
    }

    /// The error loading `bytes` as a `Town` gives, or nil.
    static func headerError(_ bytes: [UInt8]) -> ImageError? {
        do {
            _ = try load(bytes, as: Town.self)
            return nil
        } catch {
            return error
        }
    }

    static func patch<T: FixedWidthInteger>(_ bytes: inout [UInt8], at offset: Int, _ value: T) {
        withUnsafeBytes(of: value.littleEndian) {
            bytes.replaceSubrange(offset..<offset + MemoryLayout<T>.size, with: $0)
        }
    }

    static func field<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as type: T.Type) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    @Test("Each header field, damaged, gives the error that names it")
    func headerFields() throws {
        typealias Field = ImageFormat.Header
        let good = try Self.bytes(of: Town.sample)
        let length = UInt64(good.count)
        var bytes = good

        bytes[0] ^= 0xFF
        #expect(Self.headerError(bytes) == .badMagic(expected: ImageFormat.magic, found: ImageFormat.magic ^ 0xFF))

        bytes = good
        Self.patch(&bytes, at: Field.version, UInt32(2))
        #expect(Self.headerError(bytes) == .unsupportedVersion(expected: 1, found: 2))

        bytes = good
        Self.patch(&bytes, at: Field.endianness, ImageFormat.endianMarker.byteSwapped)
        #expect(Self.headerError(bytes) == .wrongEndianness(expected: 0x0A0B_0C0D, found: 0x0D0C_0B0A))

        bytes = good
        let fingerprint = Self.field(good, at: Field.fingerprint, as: UInt64.self)
        Self.patch(&bytes, at: Field.fingerprint, fingerprint ^ 1)
        #expect(
            Self.headerError(bytes)
                == .wrongType(
                    expected: ImageFingerprint.name(of: Town.self),
                    expectedFingerprint: fingerprint,
                    foundFingerprint: fingerprint ^ 1
                )
        )

        bytes = good
        Self.patch(&bytes, at: Field.length, length + 1)
        #expect(Self.headerError(bytes) == .truncated(expectedAtLeast: good.count + 1, found: good.count))
        Self.patch(&bytes, at: Field.length, length - 1)
        #expect(Self.headerError(bytes) == .lengthMismatch(recorded: length - 1, actual: good.count))

        bytes = good
        Self.patch(&bytes, at: Field.root, UInt64(3))
        #expect(
            Self.headerError(bytes)
                == .badHeaderField(name: "root", expected: "an offset from 64 to \(length - 1)", found: 3)
        )
        Self.patch(&bytes, at: Field.root, length)
        #expect(
            Self.headerError(bytes)
                == .badHeaderField(name: "root", expected: "an offset from 64 to \(length - 1)", found: length)
        )

        bytes = good
        Self.patch(&bytes, at: Field.keyTable, UInt64.max)
        #expect(
            Self.headerError(bytes)
                == .badHeaderField(name: "keyTable", expected: "an offset from 64 to \(length - 1)", found: .max)
        )

        bytes = good
        Self.patch(&bytes, at: Field.reserved, UInt64(1))
        #expect(Self.headerError(bytes) == .badHeaderField(name: "reserved", expected: "0", found: 1))

        // A root moved within bounds is caught by the checksum.
        bytes = good
        let root = Self.field(good, at: Field.root, as: UInt64.self)
        Self.patch(&bytes, at: Field.root, root - 1)
        guard case .badHeaderChecksum? = Self.headerError(bytes) else {
            Issue.record("expected a checksum error, got \(String(describing: Self.headerError(bytes)))")
            return
        }

        bytes = good
        bytes[Field.checksum] ^= 1
        let stored = Self.field(bytes, at: Field.checksum, as: UInt64.self)
        #expect(Self.headerError(bytes) == .badHeaderChecksum(expected: stored ^ 1, found: stored))

        #expect(Self.headerError(good) == nil)
    }

    @Test("Every truncation is an error, in memory and as a mapped file")
    func truncation() throws {
        let good = try Self.bytes(of: Town.sample)
        for length in 0..<good.count {
            #expect(Self.headerError(Array(good[..<length])) != nil)
        }
        let path = temporaryImagePath("truncated.img")
        defer { unlink(path) }
        try OffHeap.copy(Town.sample).write(to: path)
        #expect(truncate(path, off_t(good.count - 10)) == 0)
        #expect(throws: ImageError.truncated(expectedAtLeast: good.count, found: good.count - 10)) {
            try MappedImage<Town>(contentsOf: path)
        }
        #expect(truncate(path, 10) == 0)
        #expect(throws: ImageError.truncated(expectedAtLeast: 64, found: 10)) {
            try MappedImage<Town>(contentsOf: path)
        }
    }

    /// Reads everything a reader can read from `image`, swallowing errors. Returns whether any
    /// read threw.
    static func exercise(_ image: OffHeapImage<Town>) -> Bool {
        var failed = false
        do { try image.validate() } catch { failed = true }
        do { _ = try image.get() } catch { failed = true }
        do {
            let root = image.root
            for name in try root.fieldNames {
                guard let field = try root.field(name) else { continue }
                switch try field.kind {
                case .array, .scalarArray:
                    let count = try field.count
                    for index in [0, count / 2, count - 1] where index >= 0 && index < count {
                        _ = try? field.element(index).kind
                        _ = try? field.element(index).decode(Person.self)
                    }
                    _ = try? field.scalars(of: Int.self).count
                case .string:
                    _ = try field.utf8().count
                default:
                    _ = try field.decode(Int.self)
                }
            }
        } catch {
            failed = true
        }
        return failed
    }

    @Test("Thousands of seeded random byte flips never crash a reader")
    func randomFlips() throws {
        let good = try Self.bytes(of: Town.sample)
        var random = SplitMix64(seed: 0x1DEA_5EED)
        var errors = 0
        let rounds = 3_000
        for _ in 0..<rounds {
            var bytes = good
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let offset = Int(random.next() % UInt64(bytes.count))
                bytes[offset] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            }
            guard let image = try? Self.load(bytes, as: Town.self) else {
                errors += 1
                continue
            }
            if Self.exercise(image) { errors += 1 }
        }
        // Most flips land in structure and are caught; some change only a number's value.
        #expect(errors > rounds / 2)
    }

    @Test("Flips in a mapped file of records give errors or values, never crashes")
    func mappedFlips() throws {
        let path = temporaryImagePath("flips.img")
        defer { unlink(path) }
        let good = try Self.bytes(of: makePeople(200))
        var random = SplitMix64(seed: 42)
        var caught = 0
        let rounds = 100
        for _ in 0..<rounds {
            var bytes = good
            let offset = 64 + Int(random.next() % UInt64(bytes.count - 64))
            bytes[offset] ^= 0x80
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            guard let image = try? MappedImage<[Person]>(contentsOf: path) else {
                caught += 1
                continue
            }
            let validated = (try? image.validate()) != nil
            let whole = try? image.get()
            let elements = try? image.elements
            if !validated || whole == nil || elements == nil { caught += 1 }
            // Whatever a flip did, two ways of reading the same bytes agree: an element read
            // alone is the element of the whole value, or both reads fail.
            if let whole, let elements {
                #expect(elements.count == whole.count, "flip at \(offset)")
                for index in [0, 100, 199] where index < whole.count {
                    #expect((try? elements[index]) == whole[index], "flip at \(offset), element \(index)")
                }
            }
        }
        // Most flips land in structure (offsets, tags, lengths) and are caught; the rest change
        // a string's bytes or a number, which no check can tell from real data.
        #expect(caught > rounds / 2, "only \(caught) of \(rounds) flips were caught")
    }

    @Test("A node with two parents fails validation; exponential sharing stops at the visit budget")
    func sharedNodes() throws {
        // An array of 1,000 arrays: the first holds 1,000 numbers, the others are empty.
        var value: [[Int]] = Array(repeating: [], count: 1_000)
        value[0] = Array(0..<1_000)
        var bytes = try Self.bytes(of: value)
        // Point every element of the outer array at the first inner array.
        let root = Int(Self.field(bytes, at: ImageFormat.Header.root, as: UInt64.self))
        let code = bytes[root + 1]
        let width = 1 << Int(code)
        let table = root + ImageFormat.arrayHeaderSize
        let first = bytes.withUnsafeBytes { raw in
            ImageBytes(base: raw.baseAddress!, count: raw.count).uncheckedUnsigned(widthCode: code, at: table)
        }
        for index in 1..<1_000 {
            for byte in 0..<width {
                bytes[table + index * width + byte] = UInt8(truncatingIfNeeded: first >> UInt64(8 * byte))
            }
        }
        let image = try Self.load(bytes, as: [[Int]].self)
        #expect(throws: ImageError.sharedNode(at: root - Int(first))) { try image.validate() }
        #expect(throws: ImageError.tooManyNodes(limit: bytes.count)) { try image.get() }
        #expect(try image.elements[999].count == 1_000)  // one element at a time is fine
    }
}
