import Foundation
import HardenedXML

/// The Standard Business Document Header (SBDH 1.0) as Peppol uses it: who sends what to whom,
/// in which process, wrapped around the business document itself.
public struct BusinessDocumentHeader: Sendable, Equatable {
    /// Participant ids, `0106:12345678`, in the `iso6523-actorid-upis` scheme.
    public var sender: String
    public var receiver: String
    /// The document type id (without `busdox-docid-qns::`) and the process id.
    public var documentType: String
    public var process: String
    /// The sender's country (ISO 3166-1 alpha-2), which receivers check.
    public var countryC1: String
    public var instanceIdentifier: String
    public var creationDateAndTime: Date
    /// The business document's root namespace and local name (`Invoice`, `CreditNote`).
    public var standard: String
    public var type: String
    public var typeVersion: String

    public init(
        sender: String, receiver: String, documentType: String, process: String, countryC1: String,
        instanceIdentifier: String = UUID().uuidString.lowercased(), creationDateAndTime: Date = Date(),
        standard: String, type: String, typeVersion: String = "2.1"
    ) {
        self.sender = sender
        self.receiver = receiver
        self.documentType = documentType
        self.process = process
        self.countryC1 = countryC1
        self.instanceIdentifier = instanceIdentifier
        self.creationDateAndTime = creationDateAndTime
        self.standard = standard
        self.type = type
        self.typeVersion = typeVersion
    }

    /// The Standard Business Document: this header, then the document's root element with its
    /// bytes as they are (only the XML declaration and what surrounds the root are left out, as a
    /// document inside another cannot keep them).
    public func wrapping(_ document: some Collection<UInt8>) throws(AS4Error) -> [UInt8] {
        let e = { (value: String) in HardenedXML.XMLElement.escaped(value, quotes: true) }
        let header = """
            <?xml version="1.0" encoding="UTF-8"?>
            <StandardBusinessDocument xmlns="\(AS4Namespace.sbdh)">\
            <StandardBusinessDocumentHeader>\
            <HeaderVersion>1.0</HeaderVersion>\
            <Sender><Identifier Authority="\(PeppolIdentifiers.participantScheme)">\(e(sender))</Identifier></Sender>\
            <Receiver><Identifier Authority="\(PeppolIdentifiers.participantScheme)">\(e(receiver))</Identifier></Receiver>\
            <DocumentIdentification>\
            <Standard>\(e(standard))</Standard>\
            <TypeVersion>\(e(typeVersion))</TypeVersion>\
            <InstanceIdentifier>\(e(instanceIdentifier))</InstanceIdentifier>\
            <Type>\(e(type))</Type>\
            <CreationDateAndTime>\(AS4Time.format(creationDateAndTime))</CreationDateAndTime>\
            </DocumentIdentification>\
            <BusinessScope>\
            <Scope><Type>DOCUMENTID</Type><InstanceIdentifier>\(e(documentType))</InstanceIdentifier><Identifier>\(PeppolIdentifiers.documentScheme)</Identifier></Scope>\
            <Scope><Type>PROCESSID</Type><InstanceIdentifier>\(e(process))</InstanceIdentifier><Identifier>\(PeppolIdentifiers.processScheme)</Identifier></Scope>\
            <Scope><Type>COUNTRY_C1</Type><InstanceIdentifier>\(e(countryC1))</InstanceIdentifier></Scope>\
            </BusinessScope>\
            </StandardBusinessDocumentHeader>
            """
        do {
            guard
                let bytes = try XMLExcerpt.rootElement(
                    in: document, between: Array(header.utf8), and: Array("</StandardBusinessDocument>\n".utf8))
            else {
                throw AS4Error(.invalidHeader, "the business document has no root element")
            }
            return bytes
        } catch let error as XMLReadError {
            throw AS4Error(.invalidHeader, "the business document cannot be wrapped: \(error)")
        } catch {
            throw error as! AS4Error
        }
    }

    /// Reads a Standard Business Document: its header, and the business document as its bytes as
    /// they stand in the SBD (with the namespace declarations it inherits added to its root). The
    /// SBD is read once, by ``XMLReader`` (well-formed, within the limits, no DTD); the business
    /// document's elements go to `documentSink` as they are read (for the receiver's validator)
    /// and the bytes are what the receiver keeps.
    public static func unwrap(
        _ bytes: [UInt8], limits: XMLReader.Limits, documentInto documentSink: (any XMLElementSink)? = nil
    ) throws(AS4Error) -> (header: BusinessDocumentHeader, document: [UInt8]) {
        let root = XMLName(AS4Namespace.sbdh, "StandardBusinessDocument")
        let headerName = XMLName(AS4Namespace.sbdh, "StandardBusinessDocumentHeader")
        let header: HardenedXML.XMLElement
        let document: [UInt8]
        do {
            // The sink and the excerpt take the same element: the root's first child that is not a header.
            let (tree, business) = try XMLReader(limits: limits).read(
                bytes, diverting: { ancestors, element in ancestors == [root] && element != headerName }, to: documentSink)
            guard tree.name == root.localName, tree.namespace == root.namespace, let business,
                let excerpt = try XMLExcerpt.firstChildElement(under: [root], skipping: [headerName], in: bytes)
            else {
                throw AS4Error(.invalidHeader, "the payload is not a Standard Business Document with a business document in it")
            }
            guard business.precedingSiblings > 0, let first = tree.children.first else {
                throw AS4Error(.invalidHeader, "the Standard Business Document must start with its header")
            }
            (header, document) = (first, excerpt)
        } catch let error as XMLReadError {
            throw AS4Error(.invalidHeader, "the payload is not acceptable XML: \(error)")
        } catch {
            throw error as! AS4Error
        }
        guard try header.value("HeaderVersion", in: AS4Namespace.sbdh) == "1.0" else {
            throw AS4Error(.invalidHeader, "the SBDH must have HeaderVersion 1.0")
        }
        func party(_ name: String) throws(AS4Error) -> String {
            let identifier = try header.only(name, in: AS4Namespace.sbdh).only("Identifier", in: AS4Namespace.sbdh)
            guard identifier.attribute("Authority") == PeppolIdentifiers.participantScheme else {
                throw AS4Error(.invalidHeader, "the SBDH \(name) must be an \(PeppolIdentifiers.participantScheme) id")
            }
            return identifier.text.trimmingXMLWhitespace
        }
        let identification = try header.only("DocumentIdentification", in: AS4Namespace.sbdh)
        var scopes: [String: String] = [:]
        for scope in try header.only("BusinessScope", in: AS4Namespace.sbdh).children("Scope", in: AS4Namespace.sbdh) {
            let type = try scope.value("Type", in: AS4Namespace.sbdh)
            scopes[type] = try scope.value("InstanceIdentifier", in: AS4Namespace.sbdh)
        }
        guard let documentType = scopes["DOCUMENTID"], let process = scopes["PROCESSID"], let country = scopes["COUNTRY_C1"] else {
            throw AS4Error(.invalidHeader, "the SBDH must have the DOCUMENTID, PROCESSID and COUNTRY_C1 scopes")
        }
        let created = try identification.value("CreationDateAndTime", in: AS4Namespace.sbdh)
        guard let creation = AS4Time.parse(created) else {
            throw AS4Error(.invalidHeader, "the SBDH CreationDateAndTime \(created) is not a date and time")
        }
        let result = BusinessDocumentHeader(
            sender: try party("Sender"), receiver: try party("Receiver"), documentType: documentType, process: process,
            countryC1: country, instanceIdentifier: try identification.value("InstanceIdentifier", in: AS4Namespace.sbdh),
            creationDateAndTime: creation, standard: try identification.value("Standard", in: AS4Namespace.sbdh),
            type: try identification.value("Type", in: AS4Namespace.sbdh),
            typeVersion: try identification.value("TypeVersion", in: AS4Namespace.sbdh))
        return (result, document)
    }
}
