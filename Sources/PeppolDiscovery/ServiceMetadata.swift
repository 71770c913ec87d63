import Foundation
import HardenedXML
import PeppolAS4
import X509

/// Where and how a participant receives one document type: the AS4 endpoint its SMP publishes.
public struct ServiceEndpoint: Sendable, Equatable {
    public static let as4TransportProfile = "peppol-transport-as4-v2_0"

    public var participant: ParticipantID
    public var documentType: String
    public var process: String
    /// The receiving access point's AS4 URL and certificate.
    public var address: String
    public var certificate: Certificate
    public var activation: Date?
    public var expiration: Date?
    public var technicalContact: String

    public init(
        participant: ParticipantID, documentType: String, process: String, address: String, certificate: Certificate,
        activation: Date? = nil, expiration: Date? = nil, technicalContact: String = ""
    ) {
        self.participant = participant
        self.documentType = documentType
        self.process = process
        self.address = address
        self.certificate = certificate
        self.activation = activation
        self.expiration = expiration
        self.technicalContact = technicalContact
    }

    /// Whether the endpoint may be used at `date` (between its activation and expiration).
    public func isActive(at date: Date) -> Bool {
        (activation.map { $0 <= date } ?? true) && (expiration.map { date < $0 } ?? true)
    }
}

/// The SMP documents of the Peppol SMP 1.x REST interface (`http://busdox.org/…/1.0/`): what
/// efactuur publishes for its own organisations and reads from anybody's SMP.
public enum ServiceMetadata {
    public static let namespace = "http://busdox.org/serviceMetadata/publishing/1.0/"
    public static let identifiersNamespace = "http://busdox.org/transport/identifiers/1.0/"
    static let addressingNamespace = "http://www.w3.org/2005/08/addressing"

    /// `/iso6523-actorid-upis::0106:12345678`, percent-encoded as SMP paths are.
    public static func serviceGroupPath(_ participant: ParticipantID) -> String {
        "/" + percentEncoded(PeppolScheme.participant + "::" + participant.description)
    }

    public static func serviceMetadataPath(_ participant: ParticipantID, documentType: String) -> String {
        serviceGroupPath(participant) + "/services/" + percentEncoded(PeppolScheme.document + "::" + documentType)
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The ServiceGroup: the participant and one reference per document type it receives.
    public static func serviceGroup(_ participant: ParticipantID, documentTypes: [String], baseURL: String) -> [UInt8] {
        let e = { (value: String) in HardenedXML.XMLElement.escaped(value, quotes: true) }
        let references = documentTypes.map {
            "<smp:ServiceMetadataReference href=\"\(e(baseURL + serviceMetadataPath(participant, documentType: $0)))\"/>"
        }.joined()
        return Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <smp:ServiceGroup xmlns:smp="\(namespace)" xmlns:id="\(identifiersNamespace)">\
            <id:ParticipantIdentifier scheme="\(PeppolScheme.participant)">\(e(participant.description))</id:ParticipantIdentifier>\
            <smp:ServiceMetadataReferenceCollection>\(references)</smp:ServiceMetadataReferenceCollection></smp:ServiceGroup>
            """.utf8)
    }

    /// The SignedServiceMetadata of one document type, signed by the SMP's key.
    public static func signedServiceMetadata(_ endpoint: ServiceEndpoint, signer: AccessPointIdentity) throws(AS4Error) -> [UInt8] {
        let e = { (value: String) in HardenedXML.XMLElement.escaped(value, quotes: true) }
        let format = { (date: Date) in date.formatted(Date.ISO8601FormatStyle()) }
        let dates =
            (endpoint.activation.map { "<smp:ServiceActivationDate>\(format($0))</smp:ServiceActivationDate>" } ?? "")
            + (endpoint.expiration.map { "<smp:ServiceExpirationDate>\(format($0))</smp:ServiceExpirationDate>" } ?? "")
        let certificate = Data(AS4Certificate.derBytes(endpoint.certificate)).base64EncodedString()
        let unsigned = """
            <?xml version="1.0" encoding="UTF-8"?>
            <smp:SignedServiceMetadata xmlns:smp="\(namespace)" xmlns:id="\(identifiersNamespace)" xmlns:wsa="\(addressingNamespace)">\
            <smp:ServiceMetadata><smp:ServiceInformation>\
            <id:ParticipantIdentifier scheme="\(PeppolScheme.participant)">\(e(endpoint.participant.description))</id:ParticipantIdentifier>\
            <id:DocumentIdentifier scheme="\(PeppolScheme.document)">\(e(endpoint.documentType))</id:DocumentIdentifier>\
            <smp:ProcessList><smp:Process>\
            <id:ProcessIdentifier scheme="\(PeppolScheme.process)">\(e(endpoint.process))</id:ProcessIdentifier>\
            <smp:ServiceEndpointList><smp:Endpoint transportProfile="\(ServiceEndpoint.as4TransportProfile)">\
            <wsa:EndpointReference><wsa:Address>\(e(endpoint.address))</wsa:Address></wsa:EndpointReference>\
            <smp:RequireBusinessLevelSignature>false</smp:RequireBusinessLevelSignature>\(dates)\
            <smp:Certificate>\(certificate)</smp:Certificate>\
            <smp:ServiceDescription>efactuur access point</smp:ServiceDescription>\
            <smp:TechnicalContactUrl>\(e(endpoint.technicalContact))</smp:TechnicalContactUrl>\
            </smp:Endpoint></smp:ServiceEndpointList></smp:Process></smp:ProcessList>\
            </smp:ServiceInformation></smp:ServiceMetadata></smp:SignedServiceMetadata>
            """
        return try EnvelopedSignature.sign(Array(unsigned.utf8), with: signer)
    }

    /// Reads a SignedServiceMetadata: checks its signature and that the signer is trusted as an
    /// SMP, then returns the AS4 endpoint for `process`. Documents over 1 MiB are refused unread.
    public static func endpoint(
        in document: [UInt8], participant expected: ParticipantID, documentType expectedType: String, process: String,
        smpTrust: AS4Trust
    ) async throws(DiscoveryError) -> ServiceEndpoint {
        let signer: Certificate
        let tree: HardenedXML.XMLElement
        do {
            signer = try EnvelopedSignature.verify(document, limits: XMLReader.Limits(maxBytes: 1 << 20))
            try await smpTrust.check(signer)
            tree = try XMLReader(limits: XMLReader.Limits(maxBytes: 1 << 20)).read(document)
        } catch let error as AS4Error {
            throw DiscoveryError(.smpSignature, "the SMP's answer is not signed by a trusted SMP: \(error.detail)")
        } catch {
            throw DiscoveryError(.smpMalformed, "the SMP's answer is not acceptable XML: \(error)")
        }
        let smp = namespace
        guard tree.name == "SignedServiceMetadata", tree.namespace == smp,
            let information = tree.child("ServiceMetadata", in: smp)?.child("ServiceInformation", in: smp),
            let participantText = information.child("ParticipantIdentifier", in: identifiersNamespace)?.text.trimmingXMLWhitespace,
            let participant = ParticipantID(participantText),
            let documentType = information.child("DocumentIdentifier", in: identifiersNamespace)?.text.trimmingXMLWhitespace
        else {
            if tree.child("ServiceMetadata", in: smp)?.child("Redirect", in: smp) != nil {
                throw DiscoveryError(.smpMalformed, "the SMP redirects to another SMP, which efactuur does not follow")
            }
            throw DiscoveryError(.smpMalformed, "the SMP's answer is not a SignedServiceMetadata with a ServiceInformation")
        }
        // Signed metadata for another participant or document type proves nothing about this one.
        guard participant.description.lowercased() == expected.description.lowercased(), documentType == expectedType else {
            throw DiscoveryError(.smpSignature, "the SMP answered for \(participant) and \(documentType), not what was asked")
        }
        let processes = information.child("ProcessList", in: smp)?.children.filter { $0.name == "Process" && $0.namespace == smp } ?? []
        guard
            let matching = processes.first(where: {
                $0.child("ProcessIdentifier", in: identifiersNamespace)?.text.trimmingXMLWhitespace == process
            })
        else {
            throw DiscoveryError(.smpNotFound, "the participant does not receive this document type in the process \(process)")
        }
        let endpoints =
            matching.child("ServiceEndpointList", in: smp)?.children.filter {
                $0.name == "Endpoint" && $0.namespace == smp && $0.attribute("transportProfile") == ServiceEndpoint.as4TransportProfile
            } ?? []
        guard let endpoint = endpoints.first else {
            throw DiscoveryError(.smpNotFound, "the participant has no \(ServiceEndpoint.as4TransportProfile) endpoint")
        }
        guard
            let address = endpoint.child("EndpointReference", in: addressingNamespace)?.child("Address", in: addressingNamespace)?
                .text.trimmingXMLWhitespace, address.hasPrefix("http://") || address.hasPrefix("https://"),
            let certificateText = endpoint.child("Certificate", in: smp)?.text
        else {
            throw DiscoveryError(.smpMalformed, "the endpoint has no http(s) address or no certificate")
        }
        let certificate: Certificate
        do {
            guard let der = Data(base64Encoded: certificateText, options: .ignoreUnknownCharacters) else {
                throw DiscoveryError(.smpMalformed, "the endpoint certificate is not base64")
            }
            certificate = try Certificate(derEncoded: Array(der))
        } catch {
            throw DiscoveryError(.smpMalformed, "the endpoint certificate cannot be read")
        }
        func date(_ name: String) -> Date? {
            guard let text = endpoint.child(name, in: smp)?.text.trimmingXMLWhitespace, !text.isEmpty else { return nil }
            return AS4Time.parse(text)
        }
        return ServiceEndpoint(
            participant: participant, documentType: documentType, process: process, address: address, certificate: certificate,
            activation: date("ServiceActivationDate"), expiration: date("ServiceExpirationDate"),
            technicalContact: endpoint.child("TechnicalContactUrl", in: smp)?.text.trimmingXMLWhitespace ?? "")
    }
}
