import EInvoiceTestSupport
import Foundation
import Testing

@testable import PeppolDiscovery

extension DNSServerProcess {
    /// A timeout no loaded machine reaches (the full suite runs everything at once on 2 cores, and
    /// the Python server once took over 2 s to answer over TCP): only the tests about timing set
    /// a short one.
    func resolver(timeout: Duration = .seconds(15), attempts: Int = 2) -> DNSResolver {
        DNSResolver(server: "127.0.0.1", port: port, timeout: timeout, attempts: attempts)
    }
}

/// Lookups against the real server: each kind of participant the SML has, and the ways a lookup fails.
@Suite("DNS: a participant's SMP from a DNS server on loopback")
struct DNSLookupTests {
    static let zone = "sml.example"

    static var config: [String: Any] {
        [
            "zone": zone,
            "participants": [
                [
                    "id": "0106:12345678",
                    "naptr": [["order": 100, "preference": 10, "flags": "U", "service": "Meta:SMP", "regexp": "!^.*$!https://smp-a.example.org!"]],
                ],
                [
                    // The lowest order wins over a lower preference; flags and service in any case; a
                    // non-terminal record and another service are passed over; any delimiter.
                    "id": "0208:0123456789",
                    "naptr": [
                        ["order": 200, "preference": 1, "flags": "U", "service": "Meta:SMP", "regexp": "!^.*$!https://wrong-order.example!"],
                        ["order": 100, "preference": 20, "flags": "u", "service": "meta:smp", "regexp": "!^.*$!https://wrong-preference.example!"],
                        ["order": 100, "preference": 10, "flags": "u", "service": "META:SMP", "regexp": "#^.*$#https://smp-b.example.org/peppol#"],
                        ["order": 10, "preference": 1, "flags": "", "service": "Meta:SMP", "regexp": "", "replacement": "elsewhere.example."],
                        ["order": 1, "preference": 1, "flags": "U", "service": "Meta:SOMETHING", "regexp": "!^.*$!https://other-service.example!"],
                    ],
                ],
                ["id": "0088:1234567890123", "legacy_cname": "smp-c.example.org."],
                ["id": "0088:5790000435975", "legacy_a": "192.0.2.7"],
                [
                    // Six NAPTR records with long URLs: about 700 bytes, truncated over UDP.
                    "id": "9915:big",
                    "naptr": (1...6).map { n -> [String: Any] in
                        [
                            "order": 100, "preference": 70 - 10 * n, "flags": "U", "service": "Meta:SMP",
                            "regexp": "!^.*$!https://smp-big.example.org/a-long-path-to-fill-the-answer-000\(n)!",
                        ]
                    },
                ],
                ["id": "9915:servfail", "naptr_rcode": "SERVFAIL"],
                ["id": "9915:dropped", "drop_udp": 1, "naptr": [["regexp": "!^.*$!https://smp-d.example.org!"]]],
            ],
        ]
    }

    func lookUp(_ id: String, in server: DNSServerProcess, timeout: Duration = .seconds(15)) async throws -> String {
        try await server.resolver(timeout: timeout).smpURL(for: try #require(ParticipantID(id)), zone: Self.zone)
    }

    @Test func pythonComputesTheSameNames() async throws {
        let server = try await DNSServerProcess.start(config: Self.config)
        #expect(server.names.count == 7)
        for (id, names) in server.names {
            let participant = try #require(ParticipantID(id))
            #expect(names["naptr"] == SMLName.naptrName(participant, zone: Self.zone))
            #expect(names["legacy"] == SMLName.legacyName(participant, zone: Self.zone))
        }
    }

    @Test func naptrParticipants() async throws {
        let server = try await DNSServerProcess.start(config: Self.config)
        #expect(try await lookUp("0106:12345678", in: server) == "https://smp-a.example.org")
        #expect(try await lookUp("iso6523-actorid-upis::0106:12345678", in: server) == "https://smp-a.example.org")
        #expect(try await lookUp("0208:0123456789", in: server) == "https://smp-b.example.org/peppol")
    }

    @Test func legacyParticipants() async throws {
        let server = try await DNSServerProcess.start(config: Self.config)
        let cname = try #require(ParticipantID("0088:1234567890123"))
        #expect(try await lookUp("0088:1234567890123", in: server) == "http://" + SMLName.legacyName(cname, zone: Self.zone))
        let a = try #require(ParticipantID("0088:5790000435975"))
        #expect(try await lookUp("0088:5790000435975", in: server) == "http://" + SMLName.legacyName(a, zone: Self.zone))
        // The zone with its final dot gives the same names.
        #expect(try await server.resolver().smpURL(for: a, zone: Self.zone + ".") == "http://" + SMLName.legacyName(a, zone: Self.zone))
    }

    @Test func unknownParticipantIsNotFound() async throws {
        let server = try await DNSServerProcess.start(config: Self.config)
        let error = await #expect(throws: DiscoveryError.self) { try await lookUp("0106:99999999", in: server) }
        #expect(error?.code == .notFound)
        // One level down, the codes the fallback is decided on.
        let name = try DNSName(SMLName.naptrName(try #require(ParticipantID("0106:99999999")), zone: Self.zone))
        let nxdomain = await #expect(throws: DiscoveryError.self) { try await server.resolver().query(name, .naptr) }
        #expect(nxdomain?.code == .nameError)
    }

    @Test func truncatedAnswerIsAskedAgainOverTCP() async throws {
        let server = try await DNSServerProcess.start(config: Self.config)
        let name = try DNSName(try #require(server.names["9915:big"]?["naptr"]))
        let overUDP = try await server.resolver().overUDP(DNSQuery(name, .naptr))
        #expect(overUDP.isTruncated && overUDP.answers.isEmpty)
        let whole = try await server.resolver().query(name, .naptr)
        #expect(!whole.isTruncated && whole.answers.count == 6)
        #expect(try await lookUp("9915:big", in: server) == "https://smp-big.example.org/a-long-path-to-fill-the-answer-0006")
    }

    @Test func lostDatagramIsSentAgain() async throws {
        let server = try await DNSServerProcess.start(config: Self.config)
        // The server leaves the first query unanswered; the second attempt, 300 ms later, is answered.
        let id = try #require(ParticipantID("9915:dropped"))
        #expect(try await server.resolver(timeout: .milliseconds(300)).smpURL(for: id, zone: Self.zone) == "https://smp-d.example.org")
    }

    @Test func serverFailureIsNotMistakenForAbsence() async throws {
        let server = try await DNSServerProcess.start(config: Self.config)
        let error = await #expect(throws: DiscoveryError.self) { try await lookUp("9915:servfail", in: server) }
        #expect(error?.code == .serverFailure)
    }

    @Test func nothingListeningTimesOut() async throws {
        // A UDP port that was free a moment ago: nothing answers there.
        let socket = Foundation.socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
        }
        close(socket)
        try #require(bound)
        let resolver = DNSResolver(server: "127.0.0.1", port: Int(UInt16(bigEndian: address.sin_port)), timeout: .milliseconds(200), attempts: 2)
        let error = await #expect(throws: DiscoveryError.self) {
            try await resolver.smpURL(for: try #require(ParticipantID("0106:12345678")), zone: Self.zone)
        }
        #expect(error?.code == .timeout)
    }

    @Test func badServerAddressIsRefused() async throws {
        let error = await #expect(throws: DiscoveryError.self) {
            try await DNSResolver(server: "dns.example", port: 53).smpURL(for: try #require(ParticipantID("0106:12345678")), zone: Self.zone)
        }
        #expect(error?.code == .unreachable)
    }

    @Test func systemServerIsTheFirstIPv4Nameserver() throws {
        let file = TestFolder.root.appendingPathComponent("efactuur-resolv-\(UUID().uuidString).conf")
        defer { try? FileManager.default.removeItem(at: file) }
        try "# comment\nsearch example\nnameserver ::1\nnameserver 192.0.2.53 # the first IPv4\nnameserver 192.0.2.54\n".write(
            to: file, atomically: true, encoding: .utf8)
        #expect(DNSResolver.systemServer(resolvConf: file.path) == "192.0.2.53")
        #expect(DNSResolver.systemServer(resolvConf: "/nonexistent/resolv.conf") == "127.0.0.1")
    }
}

/// DNS messages written byte by byte, for the codec's tests.
enum Wire {
    static let qname = "abc.iso6523-actorid-upis.sml.example"
    /// Where the question's name and its suffixes begin: the header is 12 bytes.
    static let qnameOffset = 12
    static let smlOffset = 12 + 4 + 21
    static let answersOffset = 12 + name(qname).count + 4

    static func u16(_ value: Int) -> [UInt8] { [UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
    static func u32(_ value: Int) -> [UInt8] { u16(value >> 16) + u16(value & 0xFFFF) }
    static func pointer(_ offset: Int) -> [UInt8] { [UInt8(0xC0 | offset >> 8), UInt8(offset & 0xFF)] }
    static func name(_ text: String) -> [UInt8] { text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0] }
    static func string(_ text: String) -> [UInt8] { [UInt8(text.utf8.count)] + Array(text.utf8) }

    static func header(id: Int = 0x1234, flags: Int = 0x8180, questions: Int = 1, answers: Int) -> [UInt8] {
        u16(id) + u16(flags) + u16(questions) + u16(answers) + u16(0) + u16(0)
    }

    static func question(type: Int = 35) -> [UInt8] { name(qname) + u16(type) + u16(1) }

    static func record(owner: [UInt8] = pointer(qnameOffset), type: Int, data: [UInt8], length: Int? = nil) -> [UInt8] {
        owner + u16(type) + u16(1) + u32(60) + u16(length ?? data.count) + data
    }

    static func naptr(order: Int = 100, preference: Int = 10, flags: String = "U", service: String = "Meta:SMP", regexp: String) -> [UInt8] {
        u16(order) + u16(preference) + string(flags) + string(service) + string(regexp) + [0]
    }

    static let query = DNSQuery(DNSName(labels: qname.split(separator: ".").map { Array($0.utf8) }), .naptr, id: 0x1234)

    /// A well-formed answer: two NAPTR records, a CNAME whose target is compressed, an A record.
    static let answer: [UInt8] =
        header(answers: 4) + question()
        + record(type: 35, data: naptr(order: 100, preference: 20, regexp: "!^.*$!https://second.example!"))
        + record(type: 35, data: naptr(regexp: "!^.*$!https://smp.example/x!"))
        + record(type: 5, data: string("smp") + pointer(smlOffset))
        + record(owner: string("www") + pointer(smlOffset), type: 1, data: [192, 0, 2, 1])
}

/// The codec, on well-formed messages and on hostile ones: every one of those throws, none traps.
@Suite("DNS messages")
struct DNSMessageTests {
    @Test func queryIsByteExact() throws {
        let bytes = DNSQuery(try DNSName("a.example."), .naptr, id: 0xBEEF).bytes
        #expect(bytes == [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 7] + Array("example".utf8) + [0, 0, 35, 0, 1])
        #expect(DNSQuery(try DNSName("a.example"), .cname).bytes.suffix(4) == [0, 5, 0, 1])
    }

    @Test func queryIdsAreRandom() throws {
        let name = try DNSName("a.example")
        #expect(Set((0..<20).map { _ in DNSQuery(name, .a).id }).count > 1)
    }

    @Test func answerWithCompressionIsRead() throws {
        let message = try Wire.query.answer(Wire.answer)
        #expect(message.answers.count == 4)
        let qname = try DNSName(Wire.qname)
        let naptrs = message.records(.naptr, of: qname).compactMap { data -> NAPTRRecord? in
            if case .naptr(let record) = data { record } else { nil }
        }
        #expect(naptrs.map(\.regexp) == ["!^.*$!https://second.example!", "!^.*$!https://smp.example/x!"])
        #expect(naptrs.last?.replacement == DNSName(labels: []))
        #expect(try UNAPTR.smpURL(naptrs) == "https://smp.example/x")
        #expect(message.records(.cname, of: qname) == [.cname(try DNSName("SMP.sml.example"))])
        #expect(message.records(.a, of: try DNSName("www.sml.example")) == [.a([192, 0, 2, 1])])
        // Owner names compare without regard to case, and a CNAME chain is followed.
        #expect(message.records(.naptr, of: try DNSName(Wire.qname.uppercased())).count == 2)
    }

    @Test func cnameChainIsFollowed() throws {
        let bytes =
            Wire.header(answers: 2) + Wire.question()
            + Wire.record(type: 5, data: Wire.string("target") + Wire.pointer(Wire.smlOffset))
            + Wire.record(owner: Wire.name("target.sml.example"), type: 35, data: Wire.naptr(regexp: "!^.*$!https://chained.example!"))
        let message = try Wire.query.answer(bytes)
        #expect(message.records(.naptr, of: try DNSName(Wire.qname)).count == 1)
    }

    @Test func responseCodesBecomeErrors() throws {
        for (rcode, code) in [(3, DiscoveryError.Code.nameError), (2, .serverFailure), (5, .serverFailure), (1, .serverFailure)] {
            let error = #expect(throws: DiscoveryError.self) {
                try Wire.query.answer(Wire.header(flags: 0x8180 | rcode, answers: 0) + Wire.question())
            }
            #expect(error?.code == code)
        }
    }

    @Test func truncatedAnswerWithoutQuestionIsASignalOnly() throws {
        // dnslib truncates to the header alone; the answer section of a truncated message is not read.
        let message = try Wire.query.answer(Wire.header(flags: 0x8380, questions: 0, answers: 3))
        #expect(message.isTruncated && message.answers.isEmpty)
    }

    struct Hostile: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var testDescription: String { name }
    }

    static let hostile: [Hostile] = {
        let head = Wire.header(answers: 1) + Wire.question()
        let at = Wire.answersOffset
        // 140 pointers, each to the one before, ending in a label: a walk of more than 128 steps.
        var chain = Wire.string("a") + [0]
        let chainStart = at + 12  // the first record's RDATA, after its owner pointer and 10 bytes of fields
        for index in 0..<140 { chain += Wire.pointer(index == 0 ? chainStart : chainStart + 3 + 2 * (index - 1)) }
        let lastPointer = chainStart + 3 + 2 * 139
        return [
            Hostile(name: "empty", bytes: []),
            Hostile(name: "header cut short", bytes: Array(Wire.header(answers: 0).prefix(11))),
            Hostile(name: "65535 questions announced, one there", bytes: Wire.header(questions: 0xFFFF, answers: 0) + Wire.question()),
            Hostile(name: "65535 answers announced, none there", bytes: Wire.header(answers: 0xFFFF) + Wire.question()),
            Hostile(name: "pointer to itself", bytes: head + Wire.record(owner: Wire.pointer(at), type: 1, data: [1, 2, 3, 4])),
            Hostile(
                name: "two pointers to each other",
                bytes: Wire.header(answers: 2) + Wire.question()
                    + Wire.record(owner: Wire.pointer(at + 16), type: 1, data: [1, 2, 3, 4])
                    + Wire.record(owner: Wire.pointer(at), type: 1, data: [1, 2, 3, 4])),
            Hostile(
                name: "label, then a pointer back to that label",
                bytes: head + Wire.record(owner: Wire.string("x") + Wire.pointer(at), type: 1, data: [1, 2, 3, 4])),
            Hostile(name: "pointer forward", bytes: head + Wire.record(owner: Wire.pointer(at + 2), type: 1, data: [1, 2, 3, 4])),
            Hostile(name: "pointer past the end", bytes: head + Wire.record(owner: Wire.pointer(0x3FFF), type: 1, data: [1, 2, 3, 4])),
            Hostile(name: "pointer into the header", bytes: head + Wire.record(owner: Wire.pointer(4), type: 1, data: [1, 2, 3, 4])),
            Hostile(name: "pointer cut in half", bytes: head + [0xC0]),
            Hostile(name: "label past the end", bytes: head + [63] + Array("abc".utf8)),
            Hostile(name: "label type 0x40", bytes: head + [0x41, 0] + Wire.u16(1) + Wire.u16(1) + Wire.u32(60) + Wire.u16(0)),
            Hostile(
                name: "name of 321 bytes",
                bytes: head
                    + Wire.record(
                        owner: Wire.name(Array(repeating: String(repeating: "x", count: 63), count: 5).joined(separator: ".")), type: 1,
                        data: [1, 2, 3, 4])),
            Hostile(
                name: "CNAME through a pointer chain of 140 steps",
                bytes: Wire.header(answers: 2) + Wire.question() + Wire.record(type: 99, data: chain)
                    + Wire.record(type: 5, data: Wire.pointer(lastPointer))),
            Hostile(name: "record cut in its TTL", bytes: Array((head + Wire.record(type: 1, data: [1, 2, 3, 4])).prefix(at + 2 + 4 + 2))),
            Hostile(name: "RDATA length past the end", bytes: head + Wire.record(type: 1, data: [1, 2, 3, 4], length: 0x0100)),
            Hostile(name: "A record of 5 bytes", bytes: head + Wire.record(type: 1, data: [1, 2, 3, 4, 5])),
            Hostile(name: "CNAME with bytes after its name", bytes: head + Wire.record(type: 5, data: Wire.name("x.example") + [0xFF])),
            Hostile(
                name: "CNAME name running out of its RDATA",
                bytes: head + Wire.record(type: 5, data: Wire.name("x.example"), length: 4) + [0, 0, 0, 0, 0, 0, 0, 0]),
            Hostile(
                name: "NAPTR string longer than its RDATA",
                bytes: head + Wire.record(type: 35, data: Wire.u16(1) + Wire.u16(1) + [1, 0x55] + [200] + Array(repeating: 0x41, count: 10))
                    + Array(repeating: 0, count: 300)),
            Hostile(
                name: "NAPTR cut before its replacement",
                bytes: head + Wire.record(type: 35, data: Array(Wire.naptr(regexp: "!^.*$!https://x!").dropLast()))),
            Hostile(name: "not a response", bytes: Wire.header(flags: 0x0100, answers: 0) + Wire.question()),
            Hostile(name: "another id", bytes: Wire.header(id: 0x4321, answers: 0) + Wire.question()),
            Hostile(name: "another question", bytes: Wire.header(answers: 0) + Wire.question(type: 1)),
            Hostile(name: "no question", bytes: Wire.header(questions: 0, answers: 0)),
        ]
    }()

    @Test(arguments: DNSMessageTests.hostile)
    func hostileAnswerIsRefused(_ hostile: Hostile) {
        let error = #expect(throws: DiscoveryError.self) { try Wire.query.answer(hostile.bytes) }
        #expect(error?.code == .malformed)
    }

    @Test func everyPrefixOfAnAnswerIsRefused() {
        for length in 0..<Wire.answer.count {
            #expect(throws: DiscoveryError.self) { try Wire.query.answer(Array(Wire.answer.prefix(length))) }
        }
    }

    @Test func mutatedAnswersNeverTrap() {
        // A fixed seed: the same 20 000 mutations every run. Each parses or throws.
        var random = SeededGenerator(seed: 0x9E37_79B9_7F4A_7C15)
        var refused = 0
        for _ in 0..<20_000 {
            var bytes = Wire.answer
            for _ in 0...Int.random(in: 0..<4, using: &random) {
                bytes[Int.random(in: Wire.qnameOffset..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            do { _ = try DNSMessage.parse(bytes) } catch { refused += 1 }
        }
        #expect(refused > 0)
    }

    @Test func namesAreCheckedAndCompared() throws {
        #expect(try DNSName("Example.ORG") == DNSName("example.org."))
        #expect(try DNSName("example.org") != DNSName("example.net"))
        #expect(try DNSName("").labels.isEmpty)
        #expect(DNSName(labels: [Array("a.b".utf8), [0x00]]).description == "a\\046b.\\000")
        for bad in [
            "a..b", String(repeating: "x", count: 64) + ".example", Array(repeating: "abcdefg", count: 40).joined(separator: "."), "a b.example",
        ] {
            let error = #expect(throws: DiscoveryError.self) { try DNSName(bad) }
            #expect(error?.code == .invalidName)
        }
    }
}

/// The U-NAPTR rule: which record, and what its regexp makes of it.
@Suite("U-NAPTR")
struct UNAPTRTests {
    func record(_ order: UInt16, _ preference: UInt16, flags: String = "U", service: String = "Meta:SMP", _ url: String) -> NAPTRRecord {
        NAPTRRecord(order: order, preference: preference, flags: flags, service: service, regexp: "!^.*$!\(url)!", replacement: DNSName(labels: []))
    }

    @Test func lowestOrderThenPreference() throws {
        let records = [
            record(20, 1, "https://order-20.example"),
            record(10, 5, "https://order-10-preference-5.example"),
            record(10, 2, "https://chosen.example"),
            record(1, 1, flags: "S", "https://not-terminal.example"),
            record(1, 1, service: "Meta:SMP+extra", "https://other-service.example"),
        ]
        #expect(try UNAPTR.smpURL(records) == "https://chosen.example")
        #expect(try UNAPTR.smpURL([record(1, 1, flags: "u", service: "meta:SMP", "http://lower.example")]) == "http://lower.example")
        #expect(try UNAPTR.smpURL([record(1, 1, flags: "A", "https://x.example")]) == nil)
        #expect(try UNAPTR.smpURL([]) == nil)
    }

    @Test(arguments: [
        ("!^.*$!https://smp.example/!", "https://smp.example/"),
        ("#^.*$#https://smp.example/#", "https://smp.example/"),
        ("!^.*$!https://smp.example/!i", "https://smp.example/"),
        ("!^.*$!https://smp.example/a\\!b!", "https://smp.example/a!b"),
        ("!^.*$!https://smp.example/a\\\\b!", "https://smp.example/a\\b"),
    ])
    func regexpIsApplied(regexp: String, url: String) throws {
        #expect(try UNAPTR.apply(regexp) == url)
    }

    @Test(arguments: [
        "", "!", "!^.*$!", "!^.*$!https://x", "!^(.*)$!\\1!", "!.*!https://x!", "!^.*$!\\1!", "!^.*$!https://x!g", "!^.*$!a!b!",
        "1^.*$1https://x1", "\\^.*$\\https://x\\", "!^.*$!https://x\\",
    ])
    func otherRegexpsAreRefused(regexp: String) {
        let error = #expect(throws: DiscoveryError.self) { try UNAPTR.apply(regexp) }
        #expect(error?.code == .unsupportedNAPTR)
    }

    @Test(arguments: [
        "ftp://smp.example", "https://", "http:///path", "https://smp example", "https://smp.example/\u{E9}", "mailto:a@b",
        "https://user@smp.example",
    ])
    func nonHTTPURLsAreRefused(url: String) {
        let error = #expect(throws: DiscoveryError.self) { try UNAPTR.smpURL([record(1, 1, url)]) }
        #expect(error?.code == .invalidSMPURL)
    }

    @Test func replacementInsteadOfRegexpIsRefused() {
        let record = NAPTRRecord(
            order: 1, preference: 1, flags: "U", service: "Meta:SMP", regexp: "", replacement: DNSName(labels: [Array("smp".utf8)]))
        let error = #expect(throws: DiscoveryError.self) { try UNAPTR.smpURL([record]) }
        #expect(error?.code == .unsupportedNAPTR)
    }
}
