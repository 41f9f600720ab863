import Foundation
import ShardedHeap
import ShardedHeapTestSupport
import Testing

@testable import OffHeapImages

/// Values copied off the heap come back equal, whatever their shape.
@Suite("Off-heap image round trips")
struct ImageRoundTripTests {
    @Test("A town with nested structs, enums, optionals, dictionaries and non-ASCII text")
    func town() throws {
        let image = try OffHeap.copy(Town.sample)
        #expect(try image.get() == Town.sample)
        try image.validate()
    }

    @Test("Top-level scalars, strings, optionals and empty collections")
    func topLevel() throws {
        #expect(try OffHeap.copy(42).get() == 42)
        #expect(try OffHeap.copy("héllo").get() == "héllo")
        #expect(try OffHeap.copy("").get() == "")
        #expect(try OffHeap.copy(Optional<Int>.none).get() == nil)
        #expect(try OffHeap.copy(Optional(Optional(3))).get() == 3)
        #expect(try OffHeap.copy([Int]()).get() == [])
        #expect(try OffHeap.copy([String: Int]()).get() == [:])
        #expect(try OffHeap.copy([[String]]([[], [""]])).get() == [[], [""]])
        #expect(try OffHeap.copy(Double.nan).get().isNaN)
        #expect(try OffHeap.copy(UInt8.max).get() == .max)
    }

    @Test("Enums with payloads, including nested optionals")
    func enums() throws {
        let shapes: [Shape] = [.labelled("a", .labelled("b", .circle(radius: -1))), .empty]
        #expect(try OffHeap.copy(shapes).get() == shapes)
    }

    @Test("A subclass encoded through superEncoder")
    func superEncoder() throws {
        let dog = Dog(name: "Rex", legs: 3)
        #expect(try OffHeap.copy(dog).get() == dog)
    }

    @Test("Large arrays of records, numbers and strings")
    func large() throws {
        let people = makePeople(50_000)
        let image = try OffHeap.copy(people)
        let elements = try image.elements
        #expect(elements.count == people.count)
        for index in [0, 1, 24_999, 49_999] { #expect(try elements[index] == people[index]) }
        #expect(try image.get() == people)

        let numbers = Array(0..<1_000_000)
        let packed = try OffHeap.copy(numbers)
        #expect(try packed.get() == numbers)
        #expect(packed.byteCount < numbers.count * 8 + 256)
        let strings = (0..<50_000).map { "s\($0)é" }
        #expect(try OffHeap.copy(strings).get() == strings)
    }

    @Test("Arrays that mix numbers with nils or other types are stored as nodes and come back")
    func mixedArrays() throws {
        let values: [Int?] = [1, 2, nil, 4]
        #expect(try OffHeap.copy(values).get() == values)
        let trailingNil: [Int?] = [nil, 5]
        #expect(try OffHeap.copy(trailingNil).get() == trailingNil)
    }

    @Test("A dictionary of many keys decodes in linear time through its key index")
    func bigDictionary() throws {
        let dictionary = Dictionary(uniqueKeysWithValues: (0..<20_000).map { ("key\($0)", $0) })
        #expect(try OffHeap.copy(dictionary).get() == dictionary)
    }

    @Test("The image can come from another allocator and be freed through it")
    func systemAllocator() throws {
        let image = try OffHeap.copy(Town.sample, allocator: SystemAllocator())
        #expect(try image.get() == Town.sample)
        image.free()
        #expect(image.isFreed)
    }

    @Test("Freeing twice is harmless; cursors keep the bytes they read")
    func freeTwice() throws {
        let image = try OffHeap.copy(Town.sample)
        let cursor = image.root
        image.free()
        image.free()
        #expect(image.isFreed)
        #expect(try cursor.field("name")?.decode(String.self) == Town.sample.name)
    }

    @Test("get() after free() is a precondition failure")
    func getAfterFree() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let image = try OffHeap.copy([1, 2, 3])
            image.free()
            _ = try image.get()
        }
        #expect(standardError(of: result).contains("OffHeapImage.get(): the image was freed"))
    }

    @Test("Values nested deeper than the limit give tooDeep, not a stack overflow")
    func tooDeep() throws {
        let shallow = Chain.of(length: 120)  // 240 levels, near the limit
        #expect(try OffHeap.copy(shallow).get() == shallow)
        #expect(throws: ImageError.tooDeep(limit: OffHeap.maximumDepth)) {
            try OffHeap.copy(Chain.of(length: 10_000))
        }
    }
}
