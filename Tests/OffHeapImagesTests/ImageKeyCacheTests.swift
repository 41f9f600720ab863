import Foundation
import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import OffHeapImages

/// The key table is parsed once per image and shared by every pass; strings and integers are
/// read directly when their nodes are well formed. These tests check that the shared table and
/// the direct reads give the same values and the same errors as parsing everything each time.
@Suite("Off-heap image key cache and direct reads")
struct ImageKeyCacheTests {
    /// People with names of many lengths, some non-ASCII, some empty.
    static func people(_ count: Int) -> [Person] {
        let parts = ["Ada", "Ünal", "東京", "", "Grace Brewster Murray Hopper", "ø", "Zürich — 東京 🏔️"]
        return (0..<count).map { index in
            Person(
                name: parts[index % parts.count] + String(repeating: "x", count: index % 40),
                age: index % 3 == 0 ? -index : index,
                height: index * 1_000_003
            )
        }
    }

    /// The offset of the first occurrence of `pattern` in `bytes` at or after `from`.
    static func find(_ pattern: [UInt8], in bytes: [UInt8], from: Int = 64) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        return (from...(bytes.count - pattern.count)).first { bytes[$0..<$0 + pattern.count].elementsEqual(pattern) }
    }

    /// A string node's bytes: tag 0x20 (one-byte length), the length, the UTF-8.
    static func stringNode(_ text: String) -> [UInt8] { [0x20, UInt8(text.utf8.count)] + Array(text.utf8) }

    @Test("Thousands of seeded random element reads agree with the source, on copied and mapped images")
    func randomAccess() throws {
        let people = Self.people(3_000)
        let image = try OffHeap.copy(people)
        let path = temporaryImagePath("random-access.img")
        defer { unlink(path) }
        try image.write(to: path)
        let mapped = try MappedImage<[Person]>(contentsOf: path)
        var random = SplitMix64(seed: 0xCAC4E)
        let copied = try image.elements
        let fromFile = try mapped.elements
        for _ in 0..<10_000 {
            let index = Int(random.next() % UInt64(people.count))
            #expect(try copied[index] == people[index])
            #expect(try fromFile[index] == people[index])
        }
        // Element views made one per read share the image's table, and cursors agree with them.
        #expect(try mapped.elements.source.keys === mapped.root.source.keys)
        #expect(fromFile.source.keys.ranges.count == 3)
        for index in [0, 1, 2_999] {
            #expect(try mapped.elements[index] == people[index])
            #expect(try mapped.root.element(index).field("name")?.decode(String.self) == people[index].name)
        }
    }

    @Test("Threads racing on an image's first read all get correct values")
    func firstReadRace() async throws {
        let people = Self.people(500)
        for round in 0..<20 {
            // A fresh image each round, so the key table is parsed by whichever thread comes first.
            let elements = try OffHeap.copy(people).elements
            let mismatches = await withTaskGroup(of: Int.self) { group in
                for task in 0..<8 {
                    group.addTask {
                        var wrong = 0
                        for step in 0..<200 {
                            let index = (task * 61 + step * 7 + round) % people.count
                            if (try? elements[index]) != people[index] { wrong += 1 }
                        }
                        return wrong
                    }
                }
                return await group.reduce(0, +)
            }
            #expect(mismatches == 0)
            // One table was kept, whichever thread parsed first.
            let keys = ObjectIdentifier(elements.source.keys)
            let seen = await withTaskGroup(of: ObjectIdentifier.self) { group in
                for _ in 0..<4 { group.addTask { ObjectIdentifier(elements.source.keys) } }
                return await group.reduce(into: Set<ObjectIdentifier>()) { $0.insert($1) }
            }
            #expect(seen == [keys])
        }
    }

    @Test("Fields decoded out of stored order, and missing fields, through the shared table")
    func fieldOrder() throws {
        struct Reversed: Decodable, Equatable {
            var height: Int
            var age: Int
            var name: String
            enum CodingKeys: String, CodingKey { case name, age, height }
            init(height: Int, age: Int, name: String) {
                self.height = height
                self.age = age
                self.name = name
            }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                height = try container.decode(Int.self, forKey: .height)
                age = try container.decode(Int.self, forKey: .age)
                name = try container.decode(String.self, forKey: .name)
            }
        }
        struct Renamed: Decodable {
            var fullName: String
        }
        let people = Self.people(50)
        let elements = try OffHeap.copy(people).elements
        for index in [0, 7, 49] {
            let person = people[index]
            #expect(
                try elements.cursor(at: index).decode(Reversed.self)
                    == Reversed(height: person.height, age: person.age, name: person.name)
            )
            do {
                _ = try elements.cursor(at: index).decode(Renamed.self)
                Issue.record("expected keyNotFound")
            } catch DecodingError.keyNotFound(let key, let context) {
                #expect(key.stringValue == "fullName")
                #expect(context.debugDescription.contains("no field \"fullName\""))
            }
        }
    }

    @Test("Keys past the cached ids decode through the table, in structs and dictionaries")
    func keysPastTheCache() throws {
        struct Big: Codable, Equatable {
            var map: [String: Int]
            var people: [Person]
        }
        // The dictionary's keys are met first, so the Person keys get ids past the cache.
        let map = Dictionary(uniqueKeysWithValues: (0..<(ImageKeys.cachedCount + 500)).map { ("k\($0)é", $0) })
        let big = Big(map: map, people: Self.people(20))
        let image = try OffHeap.copy(big)
        #expect(try image.get() == big)
        let people = try #require(try image.root.field("people")).elements(of: Person.self)
        for index in 0..<20 { #expect(try people[index] == big.people[index]) }
        let keyTable = try image.root.source.keys.table
        #expect(keyTable.count > ImageKeys.cachedCount + 500)
    }

    @Test("A damaged key fails every read that needs it with the same error; other keys still read")
    func damagedKey() throws {
        struct Other: Codable, Equatable { var other: Int }
        struct Both: Codable, Equatable {
            var other: Other
            var people: [Person]
        }
        let value = Both(other: Other(other: 5), people: Self.people(10))
        var bytes = try ImageCorruptionTests.bytes(of: value)
        // The key "age" becomes a nil node: a key that is not a string.
        let at = try #require(Self.find(Self.stringNode("age"), in: bytes))
        bytes[at] = ImageFormat.Tag.null
        let image = try ImageCorruptionTests.load(bytes, as: Both.self)
        let people = try #require(try image.root.field("people")).elements(of: Person.self)
        let expected = ImageError.unexpectedNode(at: at, expected: "String (a key)", found: "another node")
        for index in [0, 5, 9, 5, 0] {
            #expect(throws: expected) { try people[index] }
        }
        #expect(throws: expected) { try image.get() }
        #expect(throws: expected) { try image.validate() }
        // A value that does not use the damaged key still decodes.
        #expect(try image.root.field("other")?.decode(Other.self) == Other(other: 5))
    }

    @Test("A damaged key table fails every pass, even of values without keys")
    func damagedTable() throws {
        var bytes = try ImageCorruptionTests.bytes(of: [[1, 2], [3]])
        let table = Int(ImageCorruptionTests.field(bytes, at: ImageFormat.Header.keyTable, as: UInt64.self))
        bytes[table] = ImageFormat.Tag.keyed
        let image = try ImageCorruptionTests.load(bytes, as: [[Int]].self)
        let expected = ImageError.unexpectedNode(at: table, expected: "array", found: "keyed container")
        let elements = try image.elements
        for _ in 0..<3 {
            #expect(throws: expected) { try elements[0] }
            #expect(throws: expected) { try image.get() }
        }
        #expect(throws: expected) { try image.validate() }
        // Reading in place needs no keys.
        #expect(try image.root.element(1).count == 1)
    }

    @Test("Direct string reads still reject bad UTF-8 and strings that run past the image")
    func badStrings() throws {
        let people = [Person(name: "Zürich", age: 1, height: 2), Person(name: "plain", age: 3, height: 4)]
        let good = try ImageCorruptionTests.bytes(of: people)
        let at = try #require(Self.find(Self.stringNode("Zürich"), in: good))

        var bytes = good
        bytes[at + 3] = 0xFF  // inside "ü"
        var elements = try ImageCorruptionTests.load(bytes, as: [Person].self).elements
        #expect(throws: ImageError.invalidUTF8(at: at)) { try elements[0] }
        #expect(try elements[1] == people[1])

        bytes = good
        bytes[at + 1] = 0xFF  // a length far past the image's end
        elements = try ImageCorruptionTests.load(bytes, as: [Person].self).elements
        #expect(
            throws: ImageError.outOfBounds(
                what: "string",
                offset: UInt64(at + 2),
                byteCount: 255,
                imageLength: bytes.count
            )
        ) {
            try elements[0]
        }
    }

    @Test("Direct integer reads still name what was expected and found, and reject numbers that do not fit")
    func badIntegers() throws {
        struct Small: Decodable { var age: Int8 }
        let people = [Person(name: "n", age: 300, height: 77)]
        let good = try ImageCorruptionTests.bytes(of: people)
        var elements = try ImageCorruptionTests.load(good, as: [Person].self).elements
        do {
            _ = try elements.cursor(at: 0).decode(Small.self)
            Issue.record("expected dataCorrupted")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription.contains("does not fit in Int8"))
        }

        // The height (77, one signed byte: tag 0x10, then 77) becomes a Bool.
        var bytes = good
        let at = try #require(Self.find([ImageFormat.Tag.signed, 77], in: bytes))
        bytes[at] = ImageFormat.Tag.trueValue
        elements = try ImageCorruptionTests.load(bytes, as: [Person].self).elements
        do {
            _ = try elements[0]
            Issue.record("expected typeMismatch")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.debugDescription == "expected Int, found Bool at offset \(at)")
        }
    }
}
