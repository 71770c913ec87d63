import EInvoice

/// ``UBLSchemaTable`` laid out for lookups: immutable after it is built, once per process.
final class CompiledSchema: @unchecked Sendable {
    static let shared = CompiledSchema()

    static let namespaceCount = 5
    /// The wildcard's element number in ``UBLSchemaTable/particles``.
    static let wildcard = (1 << 14) - 1
    static let xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"
    /// "No particle": beyond every index.
    static let none = Int(UInt16.max)

    let names: [String]
    /// UTF-8 of the names, `nameBytes[nameOffsets[n] ..< nameOffsets[n + 1]]`.
    let nameBytes: UnsafeMutablePointer<UInt8>
    let nameOffsets: UnsafeMutablePointer<Int32>
    /// Open addressing on ``hash(_:_:)``: name index + 1, 0 for a free slot.
    let slots: UnsafeMutablePointer<Int32>
    let slotMask: Int
    /// The declaration of name n in table namespace s: `declarations[n * namespaceCount + s]`, -1 for none.
    let declarations: UnsafeMutablePointer<Int16>
    /// Per declaration: its name, its table namespace and its type.
    let elementName: UnsafeMutablePointer<UInt16>
    let elementNamespace: UnsafeMutablePointer<UInt8>
    let elementType: UnsafeMutablePointer<UInt16>
    let complexTypeCount: Int
    let particleStart: UnsafeMutablePointer<UInt16>
    let particles: UnsafeMutablePointer<UInt16>
    /// Per particle: the first required particle of its type at or after it, ``none`` if none.
    let requiredFrom: UnsafeMutablePointer<UInt16>
    /// Per complex type: whether its sequence has the wildcard.
    let hasWildcard: UnsafeMutablePointer<Bool>
    /// Where a declaration stands in a type's sequence: open addressing on (type, declaration),
    /// key `type << 16 | declaration` + 1 (0 free) and the particle index.
    let positionKeys: UnsafeMutablePointer<UInt32>
    let positionValues: UnsafeMutablePointer<UInt16>
    let positionMask: Int
    /// Per simple-content type: value kind, first attribute, attribute count, whether one is required.
    let valueKinds: UnsafeMutablePointer<UBLSchemaTable.ValueKind>
    let attributeStart: UnsafeMutablePointer<UInt16>
    let attributeCount: UnsafeMutablePointer<UInt16>
    let hasRequiredAttribute: UnsafeMutablePointer<Bool>
    /// Per attribute: name, required, value kind.
    let attributeName: UnsafeMutablePointer<UInt16>
    let attributeRequired: UnsafeMutablePointer<Bool>
    let attributeKind: UnsafeMutablePointer<UBLSchemaTable.ValueKind>

    private init() {
        // The table numbers its namespaces as ``SchemaWalk/declaration(of:)`` does.
        precondition(
            UBLSchemaTable.namespaces == [UBLNamespace.cbc, UBLNamespace.cac, UBLNamespace.ext, UBLNamespace.invoice, UBLNamespace.creditNote])
        names = UBLSchemaTable.names
        let nameCount = names.count
        let totalBytes = names.reduce(0) { $0 + $1.utf8.count }
        nameBytes = .allocate(capacity: totalBytes)
        nameOffsets = .allocate(capacity: nameCount + 1)
        var offset = 0
        var capacity = 1
        while capacity < nameCount * 4 { capacity <<= 1 }
        slotMask = capacity - 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        for (index, name) in names.enumerated() {
            nameOffsets[index] = Int32(offset)
            for byte in name.utf8 {
                nameBytes[offset] = byte
                offset += 1
            }
            let start = Int(nameOffsets[index])
            var slot = Self.hash(nameBytes + start, offset - start) & slotMask
            while slots[slot] != 0 { slot = (slot + 1) & slotMask }
            slots[slot] = Int32(index + 1)
        }
        nameOffsets[nameCount] = Int32(offset)

        let elements = UBLSchemaTable.elements
        let elementCount = elements.count / 3
        declarations = .allocate(capacity: nameCount * Self.namespaceCount)
        declarations.initialize(repeating: -1, count: nameCount * Self.namespaceCount)
        elementName = .allocate(capacity: elementCount)
        elementNamespace = .allocate(capacity: elementCount)
        elementType = .allocate(capacity: elementCount)
        for element in 0..<elementCount {
            let namespace = Int(elements[3 * element])
            let name = Int(elements[3 * element + 1])
            elementNamespace[element] = UInt8(namespace)
            elementName[element] = UInt16(name)
            elementType[element] = elements[3 * element + 2]
            declarations[name * Self.namespaceCount + namespace] = Int16(element)
        }

        complexTypeCount = UBLSchemaTable.complexTypeCount
        let starts = UBLSchemaTable.particleStart
        let sequences = UBLSchemaTable.particles
        particleStart = .allocate(capacity: starts.count)
        particleStart.initialize(from: starts, count: starts.count)
        particles = .allocate(capacity: max(sequences.count, 1))
        particles.initialize(from: sequences, count: sequences.count)
        requiredFrom = .allocate(capacity: max(sequences.count, 1))
        hasWildcard = .allocate(capacity: complexTypeCount)
        var positions = 1
        while positions < sequences.count * 2 { positions <<= 1 }
        positionMask = positions - 1
        positionKeys = .allocate(capacity: positions)
        positionKeys.initialize(repeating: 0, count: positions)
        positionValues = .allocate(capacity: positions)
        positionValues.initialize(repeating: 0, count: positions)
        for type in 0..<complexTypeCount {
            let start = Int(starts[type])
            let end = Int(starts[type + 1])
            var next = Self.none
            hasWildcard[type] = false
            for index in (start..<end).reversed() {
                if sequences[index] & 2 != 0 { next = index }
                requiredFrom[index] = UInt16(next)
                let element = Int(sequences[index] >> 2)
                if element == Self.wildcard {
                    hasWildcard[type] = true
                    continue
                }
                let key = UInt32(type) << 16 | UInt32(element)
                var slot = Self.mix(key) & positionMask
                while positionKeys[slot] != 0 { slot = (slot + 1) & positionMask }
                positionKeys[slot] = key + 1
                positionValues[slot] = UInt16(index)
            }
        }

        let simple = UBLSchemaTable.simpleTypes
        let simpleCount = simple.count / 3
        valueKinds = .allocate(capacity: simpleCount)
        attributeStart = .allocate(capacity: simpleCount)
        attributeCount = .allocate(capacity: simpleCount)
        hasRequiredAttribute = .allocate(capacity: simpleCount)
        let attributes = UBLSchemaTable.attributes
        let attributeTotal = attributes.count / 3
        attributeName = .allocate(capacity: max(attributeTotal, 1))
        attributeRequired = .allocate(capacity: max(attributeTotal, 1))
        attributeKind = .allocate(capacity: max(attributeTotal, 1))
        for index in 0..<attributeTotal {
            attributeName[index] = attributes[3 * index]
            attributeRequired[index] = attributes[3 * index + 1] == 1
            attributeKind[index] = UBLSchemaTable.ValueKind(rawValue: UInt8(attributes[3 * index + 2]))!
        }
        for type in 0..<simpleCount {
            valueKinds[type] = UBLSchemaTable.ValueKind(rawValue: UInt8(simple[3 * type]))!
            attributeStart[type] = simple[3 * type + 1]
            attributeCount[type] = simple[3 * type + 2]
            let range = Int(simple[3 * type + 1])..<Int(simple[3 * type + 1] + simple[3 * type + 2])
            hasRequiredAttribute[type] = range.contains { attributeRequired[$0] }
        }
    }

    /// FNV-1a over the bytes, eight at a time.
    static func hash(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(count)
        var index = 0
        let raw = UnsafeRawPointer(bytes)
        while index + 8 <= count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        hash = (hash ^ tail) &* 0x0000_0100_0000_01B3
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    static func mix(_ key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }

    /// The table's index of a local name, -1 when no UBL element or attribute has it.
    func nameIndex(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int32 {
        var slot = Self.hash(bytes, count) & slotMask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return -1 }
            let start = Int(nameOffsets[entry - 1])
            if Int(nameOffsets[entry]) - start == count && Self.same(nameBytes + start, bytes, count) { return Int32(entry - 1) }
            slot = (slot + 1) & slotMask
        }
    }

    /// Whether attribute `attribute`'s name is the UTF-8 `bytes`.
    func attribute(_ attribute: Int, isNamed bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let name = Int(attributeName[attribute])
        let start = Int(nameOffsets[name])
        return Int(nameOffsets[name + 1]) - start == bytes.count && !bytes.isEmpty && Self.same(nameBytes + start, bytes.baseAddress!, bytes.count)
    }

    /// Byte equality of short names, without a call into libc.
    @inline(__always) static func same(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var index = 0
        while index + 8 <= count {
            if UnsafeRawPointer(a).loadUnaligned(fromByteOffset: index, as: UInt64.self)
                != UnsafeRawPointer(b).loadUnaligned(fromByteOffset: index, as: UInt64.self)
            {
                return false
            }
            index += 8
        }
        while index < count {
            if a[index] != b[index] { return false }
            index += 1
        }
        return true
    }

    /// The particle of `declaration` in complex type `type`'s sequence, -1 when it has none.
    func position(of declaration: Int, in type: Int) -> Int {
        let key = UInt32(type) << 16 | UInt32(declaration)
        var slot = Self.mix(key) & positionMask
        while true {
            let stored = positionKeys[slot]
            if stored == 0 { return -1 }
            if stored == key + 1 { return Int(positionValues[slot]) }
            slot = (slot + 1) & positionMask
        }
    }

    /// `cbc:PayableAmount` for a declaration.
    func displayName(ofDeclaration declaration: Int) -> String {
        let prefix = ["cbc:", "cac:", "ext:", "", ""][Int(elementNamespace[declaration])]
        return prefix + names[Int(elementName[declaration])]
    }
}
