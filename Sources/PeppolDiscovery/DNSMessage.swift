/// The record types this resolver asks for; others in an answer are carried but not read.
struct DNSType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }

    static let a = DNSType(rawValue: 1)
    static let cname = DNSType(rawValue: 5)
    static let naptr = DNSType(rawValue: 35)

    var description: String {
        switch self {
        case .a: "A"
        case .cname: "CNAME"
        case .naptr: "NAPTR"
        default: "TYPE\(rawValue)"
        }
    }
}

/// A domain name as its labels' bytes, compared without regard to ASCII case (RFC 4343).
struct DNSName: Hashable, Sendable, CustomStringConvertible {
    var labels: [[UInt8]]

    init(labels: [[UInt8]]) { self.labels = labels }

    /// Reads `a.b.c` (a trailing dot allowed). No escapes: the names looked up here are hashes
    /// under a zone, so a label is printable ASCII without `.` or `\`.
    init(_ text: String) throws(DiscoveryError) {
        var text = Substring(text)
        if text.hasSuffix(".") { text = text.dropLast() }
        labels = []
        if text.isEmpty { return }
        var wireLength = 1
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            let bytes = Array(label.utf8)
            guard !bytes.isEmpty, bytes.count <= 63, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }) else {
                throw DiscoveryError(.invalidName, "'\(text)' is not a DNS name: each label is 1 to 63 printable characters")
            }
            wireLength += bytes.count + 1
            labels.append(bytes)
        }
        guard wireLength <= 255 else { throw DiscoveryError(.invalidName, "'\(text)' is longer than the 255 bytes of a DNS name") }
    }

    /// Labels, then the root's zero byte; never compressed, as a question is the first name in a message.
    var wire: [UInt8] { labels.flatMap { [UInt8($0.count)] + $0 } + [0] }

    static func == (lhs: DNSName, rhs: DNSName) -> Bool {
        lhs.labels.count == rhs.labels.count
            && zip(lhs.labels, rhs.labels).allSatisfy { $0.count == $1.count && zip($0, $1).allSatisfy { lowered($0) == lowered($1) } }
    }

    func hash(into hasher: inout Hasher) {
        for label in labels {
            hasher.combine(label.count)
            for byte in label { hasher.combine(Self.lowered(byte)) }
        }
    }

    private static func lowered(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    /// Presentation form without the final dot; bytes that are not plain characters as `\DDD`.
    var description: String {
        if labels.isEmpty { return "." }
        return labels.map { label in
            label.map { byte in
                if byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ".") && byte != UInt8(ascii: "\\") { return String(UnicodeScalar(byte)) }
                let digits = String(byte)
                return "\\" + String(repeating: "0", count: 3 - digits.count) + digits
            }.joined()
        }.joined(separator: ".")
    }
}

struct DNSQuestion: Hashable, Sendable {
    var name: DNSName
    var type: DNSType
    /// Always IN (1) in what is asked here.
    var recordClass: UInt16
}

/// NAPTR RDATA (RFC 3403 section 4.1). The character-strings are read as UTF-8, badly encoded
/// bytes becoming U+FFFD, which no URL check lets through.
struct NAPTRRecord: Hashable, Sendable {
    var order: UInt16
    var preference: UInt16
    var flags: String
    var service: String
    var regexp: String
    var replacement: DNSName
}

enum DNSRecordData: Hashable, Sendable {
    case a([UInt8])
    case cname(DNSName)
    case naptr(NAPTRRecord)
    /// A type this resolver does not read; its RDATA is kept as it came.
    case other([UInt8])
}

struct DNSRecord: Hashable, Sendable {
    var name: DNSName
    var type: DNSType
    var recordClass: UInt16
    var ttl: UInt32
    var data: DNSRecordData
}

/// A DNS message (RFC 1035 section 4.1): the header, the questions and the answer section.
/// The authority and additional sections are not read: nothing here needs them.
struct DNSMessage: Sendable {
    var id: UInt16
    var flags: UInt16
    var questions: [DNSQuestion]
    /// Empty when the message is truncated: a cut answer section is not to be trusted.
    var answers: [DNSRecord]

    var isResponse: Bool { flags & 0x8000 != 0 }
    var opcode: UInt16 { (flags >> 11) & 0xF }
    var isTruncated: Bool { flags & 0x0200 != 0 }
    var responseCode: UInt16 { flags & 0xF }

    static let recordClassIN: UInt16 = 1
    /// Labels and pointers followed for one name; a name of 255 bytes has at most 127 labels.
    static let maximumLabels = 128

    /// Parses `bytes`, every count and length in them hostile: nothing is read past the end,
    /// compression pointers may only point backwards, and a name is at most 255 bytes.
    static func parse(_ bytes: [UInt8]) throws(DiscoveryError) -> DNSMessage {
        var reader = DNSReader(bytes: bytes)
        let id = try reader.u16()
        let flags = try reader.u16()
        let questionCount = try reader.u16()
        let answerCount = try reader.u16()
        _ = try reader.u16()  // authority
        _ = try reader.u16()  // additional
        var message = DNSMessage(id: id, flags: flags, questions: [], answers: [])
        // Each question takes at least 5 bytes and each record 11, so hostile counts end at the
        // message's end, not in a long loop.
        for _ in 0..<questionCount {
            let name = try reader.name()
            message.questions.append(DNSQuestion(name: name, type: DNSType(rawValue: try reader.u16()), recordClass: try reader.u16()))
        }
        if message.isTruncated { return message }
        for _ in 0..<answerCount { message.answers.append(try reader.record()) }
        return message
    }

    /// The data of the records of `type` for `name`, following a CNAME chain in the answer
    /// (a recursive server puts the chain before the records it ends in).
    func records(_ type: DNSType, of name: DNSName) -> [DNSRecordData] {
        var owner = name
        for _ in 0..<16 {
            let here = answers.filter { $0.recordClass == Self.recordClassIN && $0.name == owner }
            let wanted = here.filter { $0.type == type }
            if !wanted.isEmpty || type == .cname { return wanted.map(\.data) }
            guard case .cname(let target)? = here.first(where: { $0.type == .cname })?.data else { return [] }
            owner = target
        }
        return []
    }
}

/// One question as it goes out, with the id its answer must carry.
struct DNSQuery: Sendable {
    var id: UInt16
    var question: DNSQuestion

    /// A random id (with the random source port, what keeps a blind forger out) and recursion desired.
    init(_ name: DNSName, _ type: DNSType, id: UInt16 = .random(in: .min ... .max)) {
        self.id = id
        question = DNSQuestion(name: name, type: type, recordClass: DNSMessage.recordClassIN)
    }

    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12 + 256 + 4)
        func u16(_ value: UInt16) { bytes += [UInt8(value >> 8), UInt8(value & 0xFF)] }
        u16(id)
        u16(0x0100)  // a standard query, RD set
        u16(1)  // one question
        u16(0)
        u16(0)
        u16(0)
        bytes += question.name.wire
        u16(question.type.rawValue)
        u16(question.recordClass)
        return bytes
    }

    /// The answer to this query in `bytes`, or why it is not one: a wrong id or question, a
    /// malformed message, NXDOMAIN (`dns.name-error`), or another error code from the server.
    func answer(_ bytes: [UInt8]) throws(DiscoveryError) -> DNSMessage {
        let message = try DNSMessage.parse(bytes)
        guard message.isResponse, message.opcode == 0 else { throw .malformed("not a response to a standard query") }
        guard message.id == id else { throw .malformed("id \(message.id) answers another query than \(id)") }
        // Some servers drop the question from a truncated answer; that answer is only a signal to
        // ask again over TCP, so the id is enough for it.
        if !(message.isTruncated && message.questions.isEmpty) {
            guard message.questions == [question] else {
                let asked = message.questions.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
                throw .malformed("it answers [\(asked)], not \(question.name) \(question.type)")
            }
        }
        switch message.responseCode {
        case 0: return message
        case 3: throw DiscoveryError(.nameError, "\(question.name) does not exist (NXDOMAIN)")
        case let code:
            let names: [UInt16: String] = [1: "FORMERR", 2: "SERVFAIL", 4: "NOTIMP", 5: "REFUSED"]
            throw DiscoveryError(.serverFailure, "the DNS server answered \(names[code] ?? "RCODE \(code)") for \(question.name) \(question.type)")
        }
    }
}

/// Reads a DNS message front to back; every read is checked against the end of the bytes (or of
/// the RDATA being read), and fails with `dns.malformed` rather than trap.
struct DNSReader {
    let bytes: [UInt8]
    var position = 0
    /// Where the current part (the message, or one record's RDATA) ends.
    var end: Int

    init(bytes: [UInt8]) {
        self.bytes = bytes
        end = bytes.count
    }

    mutating func u8() throws(DiscoveryError) -> UInt8 {
        guard position < end else { throw .malformed("it ends at byte \(position), inside a field") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u16() throws(DiscoveryError) -> UInt16 { UInt16(try u8()) << 8 | UInt16(try u8()) }

    mutating func u32() throws(DiscoveryError) -> UInt32 { UInt32(try u16()) << 16 | UInt32(try u16()) }

    mutating func take(_ count: Int) throws(DiscoveryError) -> [UInt8] {
        guard count >= 0, count <= end - position else { throw .malformed("a length of \(count) at byte \(position) runs past the end") }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// A <character-string>: a length byte and that many bytes.
    mutating func characterString() throws(DiscoveryError) -> String {
        let length = Int(try u8())
        return String(decoding: try take(length), as: UTF8.self)
    }

    /// A name, compressed or not (RFC 1035 section 4.1.4).
    ///
    /// Each pointer must point before where the previous part of the name began (the name's
    /// own start for the first), and after the header: so no pointer can loop or point forward,
    /// and the walk ends. The name's own bytes stay within `end`; a pointer may reach anywhere
    /// earlier in the message.
    mutating func name() throws(DiscoveryError) -> DNSName {
        var labels: [[UInt8]] = []
        var wireLength = 1
        var cursor = position
        var limit = end
        var lowestStart = position
        var resumeAt: Int?
        var followed = 0
        while true {
            guard cursor < limit else { throw .malformed("a name runs past the end at byte \(cursor)") }
            let length = Int(bytes[cursor])
            followed += 1
            guard followed <= DNSMessage.maximumLabels + 1 else {
                throw .malformed("a name of more than \(DNSMessage.maximumLabels) labels and pointers")
            }
            switch length >> 6 {
            case 0 where length == 0:
                position = resumeAt ?? cursor + 1
                return DNSName(labels: labels)
            case 0:
                guard length < limit - cursor else { throw .malformed("a label of \(length) bytes at byte \(cursor) runs past the end") }
                wireLength += length + 1
                guard wireLength <= 255 else { throw .malformed("a name longer than 255 bytes") }
                labels.append(Array(bytes[cursor + 1...cursor + length]))
                cursor += length + 1
            case 3:
                guard cursor + 1 < limit else { throw .malformed("a compression pointer cut off at byte \(cursor)") }
                let target = (length & 0x3F) << 8 | Int(bytes[cursor + 1])
                guard target >= 12, target < lowestStart else {
                    throw .malformed(
                        "the compression pointer at byte \(cursor) to byte \(target) does not point back into the message (a loop, or out of range)")
                }
                if resumeAt == nil { resumeAt = cursor + 2 }
                lowestStart = target
                cursor = target
                limit = bytes.count
            default:
                throw .malformed("label type 0x\(String(length & 0xC0, radix: 16)) at byte \(cursor) (only plain labels and pointers exist)")
            }
        }
    }

    mutating func record() throws(DiscoveryError) -> DNSRecord {
        let name = try self.name()
        let type = DNSType(rawValue: try u16())
        let recordClass = try u16()
        let ttl = try u32()
        let length = Int(try u16())
        guard length <= end - position else { throw .malformed("the \(type) record of \(name) says \(length) bytes of data, past the end") }
        let recordEnd = position + length
        let messageEnd = end
        end = recordEnd
        defer { end = messageEnd }
        let data: DNSRecordData
        switch type {
        case .a:
            guard length == 4 else { throw .malformed("an A record of \(length) bytes") }
            data = .a(try take(4))
        case .cname:
            data = .cname(try self.name())
        case .naptr:
            data = .naptr(
                NAPTRRecord(
                    order: try u16(), preference: try u16(), flags: try characterString(), service: try characterString(),
                    regexp: try characterString(), replacement: try self.name()))
        default:
            data = .other(try take(length))
        }
        guard position == recordEnd else { throw .malformed("the \(type) record of \(name) ends \(recordEnd - position) byte(s) after its data") }
        return DNSRecord(name: name, type: type, recordClass: recordClass, ttl: ttl, data: data)
    }
}
