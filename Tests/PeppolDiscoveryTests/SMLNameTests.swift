import Testing

@testable import PeppolDiscovery

/// The SML names against the published vectors (Peppol Policy for use of identifiers, and
/// peppol-commons' tests), and Python's base32/hashlib as an independent second opinion.
@Suite struct SMLNameTests {
    @Test(arguments: [
        ("0088:1234567890123", "sjsyvccmqyjxk3weuapffq4x3umcrf4qryherj4vovhmonh7gccq"),
        ("9915:test", "eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a"),
        ("9915:TEST", "eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a"),
        ("iso6523-actorid-upis::0088:1234567890123", "sjsyvccmqyjxk3weuapffq4x3umcrf4qryherj4vovhmonh7gccq"),
    ])
    func naptrNames(participant: String, label: String) throws {
        let id = try #require(ParticipantID(participant))
        #expect(SMLName.naptrName(id, zone: SMLName.testZone) == "\(label).iso6523-actorid-upis.participant.sml.test.tech.peppol.org")
    }

    @Test func legacyName() throws {
        let id = try #require(ParticipantID("9930:de298946909"))
        #expect(
            SMLName.legacyName(id, zone: "acc.edelivery.tech.ec.europa.eu")
                == "B-40e8abe94e9a400e1e63bd292502a587.iso6523-actorid-upis.acc.edelivery.tech.ec.europa.eu")
    }

    @Test(arguments: ["", "0088", "88:1", "abcd:1", "0088:", "0088:a b", "0088:" + String(repeating: "9", count: 51)])
    func malformedIdentifiersAreRefused(text: String) {
        #expect(ParticipantID(text) == nil)
    }

    @Test func base32MatchesRFC4648() {
        // RFC 4648 section 10, lower case and unpadded.
        let vectors = ["": "", "f": "my", "fo": "mzxq", "foo": "mzxw6", "foob": "mzxw6yq", "fooba": "mzxw6ytb", "foobar": "mzxw6ytboi"]
        for (input, output) in vectors { #expect(SMLName.base32(Array(input.utf8)) == output) }
    }
}
