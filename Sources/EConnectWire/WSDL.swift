import HardenedXML

/// The service description each endpoint serves at `?wsdl`: document/literal SOAP 1.1, one
/// schema in the version's namespace with the element names, order and spellings accounting
/// packages were generated against (`Reciever`, `GetAccountPartiesReponse`).
public enum WSDL {
    public static func document(version: APIVersion, address: String) -> String {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" \
            xmlns:s="http://www.w3.org/2001/XMLSchema" xmlns:tns="\(version.namespace)" targetNamespace="\(version.namespace)">
            <wsdl:documentation>efactuur platform: send and receive UBL documents for your companies.</wsdl:documentation>
            <wsdl:types>
            \(schema(version: version))
            </wsdl:types>

            """
        for operation in Operation.allCases {
            xml +=
                "<wsdl:message name=\"\(operation.rawValue)SoapIn\"><wsdl:part name=\"\(operation.rawValue)\" element=\"tns:\(operation.rawValue)\"/></wsdl:message>\n"
            xml +=
                "<wsdl:message name=\"\(operation.rawValue)SoapOut\"><wsdl:part name=\"\(operation.rawValue)Result\" element=\"tns:\(operation.responseElement)\"/></wsdl:message>\n"
            if operation.needsSecurityToken {
                xml +=
                    "<wsdl:message name=\"\(operation.rawValue)Authentication\"><wsdl:part name=\"Authentication\" element=\"tns:Authentication\"/></wsdl:message>\n"
            }
        }
        xml += "<wsdl:portType name=\"EConnectServiceSoap\">\n"
        for operation in Operation.allCases {
            xml +=
                "<wsdl:operation name=\"\(operation.rawValue)\"><wsdl:input message=\"tns:\(operation.rawValue)SoapIn\"/><wsdl:output message=\"tns:\(operation.rawValue)SoapOut\"/></wsdl:operation>\n"
        }
        xml += "</wsdl:portType>\n<wsdl:binding name=\"EConnectServiceSoap\" type=\"tns:EConnectServiceSoap\">\n"
        xml += "<soap:binding transport=\"http://schemas.xmlsoap.org/soap/http\"/>\n"
        for operation in Operation.allCases {
            let header =
                operation.needsSecurityToken
                ? "<soap:header message=\"tns:\(operation.rawValue)Authentication\" part=\"Authentication\" use=\"literal\"/>" : ""
            xml +=
                "<wsdl:operation name=\"\(operation.rawValue)\"><soap:operation soapAction=\"\(version.soapAction(operation))\" style=\"document\"/>"
            xml +=
                "<wsdl:input><soap:body use=\"literal\"/>\(header)</wsdl:input><wsdl:output><soap:body use=\"literal\"/></wsdl:output></wsdl:operation>\n"
        }
        xml += "</wsdl:binding>\n<wsdl:service name=\"EConnectService\"><wsdl:port name=\"EConnectServiceSoap\" binding=\"tns:EConnectServiceSoap\">"
        xml += "<soap:address location=\"\(XMLElement.escaped(address, quotes: true))\"/></wsdl:port></wsdl:service>\n</wsdl:definitions>\n"
        return xml
    }

    /// The XML Schema of the messages alone, as the conformance tests load it.
    public static func schema(version: APIVersion) -> String {
        var xml =
            "<s:schema xmlns:s=\"http://www.w3.org/2001/XMLSchema\" xmlns:tns=\"\(version.namespace)\" elementFormDefault=\"qualified\" targetNamespace=\"\(version.namespace)\">\n"
        for (name, fields) in complexTypes {
            xml += "<s:complexType name=\"\(name)\">\(sequence(fields))</s:complexType>\n"
        }
        xml += """
            <s:complexType name="StatusDetails"><s:complexContent mixed="false"><s:extension base="tns:Status">\
            \(sequence([("Info", "tns:StatusInfo", false)]))</s:extension></s:complexContent></s:complexType>
            <s:complexType name="PartyDetails"><s:complexContent mixed="false"><s:extension base="tns:Party">\
            \(sequence([("EConnectPartyId", "s:string", false)]))</s:extension></s:complexContent></s:complexType>
            <s:complexType name="PartyAccountDetails"><s:complexContent mixed="false"><s:extension base="tns:PartyDetails">\
            \(sequence([("Description", "s:string", false), ("Account", "tns:Account", false), ("IsRegisteredToPeppol", "s:boolean", true), ("IsVerified", "s:boolean", true)]))\
            </s:extension></s:complexContent></s:complexType>
            <s:complexType name="SearchAccountParty"/>
            <s:simpleType name="DeliveryMethod"><s:restriction base="s:string">\
            \(DeliveryMethod.allCases.map { "<s:enumeration value=\"\($0.rawValue)\"/>" }.joined())</s:restriction></s:simpleType>
            <s:complexType name="Payload"><s:sequence><s:any processContents="lax"/></s:sequence></s:complexType>
            <s:element name="Authentication"><s:complexType><s:sequence>\
            <s:element minOccurs="0" maxOccurs="1" name="SecurityToken" type="s:string"/></s:sequence><s:anyAttribute/></s:complexType></s:element>
            <s:element name="Login" nillable="true" type="tns:Login"/>
            <s:element name="LoginResponse" nillable="true" type="tns:LoginResponse"/>
            <s:element name="GetAccountDetails"><s:complexType/></s:element>
            <s:element name="GetAccountDetailsResponse"><s:complexType><s:complexContent mixed="false"><s:extension base="tns:Account">\
            \(sequence([("Description", "s:string", false), ("EmailAddress", "s:string", false), ("FaxNumber", "s:string", false), ("PhoneNumber", "s:string", false), ("Website", "s:string", false), ("CanSendAppIntegrationRequests", "s:boolean", true)]))\
            </s:extension></s:complexContent></s:complexType></s:element>

            """
        for (name, fields) in elements {
            xml += "<s:element name=\"\(name)\"><s:complexType>\(sequence(fields))</s:complexType></s:element>\n"
        }
        return xml + "</s:schema>"
    }

    private typealias Field = (name: String, type: String, required: Bool)

    private static func sequence(_ fields: [Field]) -> String {
        "<s:sequence>"
            + fields.map { field in
                let occurs = field.required ? "minOccurs=\"1\"" : "minOccurs=\"0\""
                let many = field.type.hasPrefix("*") ? "unbounded" : "1"
                let type = field.type.hasPrefix("*") ? String(field.type.dropFirst()) : field.type
                let nillable = field.type.hasPrefix("*") || (field.type == "s:dateTime" && ["To", "From"].contains(field.name))
                return "<s:element \(occurs) maxOccurs=\"\(many)\" name=\"\(field.name)\"\(nillable ? " nillable=\"true\"" : "") type=\"\(type)\"/>"
            }.joined() + "</s:sequence>"
    }

    private static let string = "s:string"
    private static let paging: Field = ("Paging", "tns:Paging", false)
    private static let documentSearch: Field = ("Search", "tns:DocumentSearch", false)

    private static let complexTypes: [(String, [Field])] = [
        ("Login", [("ConsumerKey", string, false), ("ConsumerSecret", string, false)]),
        ("LoginResponse", [("SecurityToken", string, false)]),
        ("Paging", [("Limit", "s:int", true), ("StartPage", string, false)]),
        (
            "DocumentSearch",
            [
                ("ExternalId", string, false), ("DocumentId", string, false), ("Subject", string, false),
                ("CreatedOn", "tns:TimeSpanFilter", false), ("ModifiedOn", "tns:TimeSpanFilter", false),
                ("Sender", "tns:DocumentParty", false), ("Reciever", "tns:DocumentParty", false),
                ("Status", "tns:Status", false), ("Template", "tns:Template", false),
            ]
        ),
        ("TimeSpanFilter", [("To", "s:dateTime", true), ("From", "s:dateTime", true)]),
        ("DocumentParty", [("EConnectPartyId", string, false), ("Name", string, false)]),
        ("Status", [("Name", string, false), ("Code", string, false)]),
        ("Template", [("Id", string, false), ("Name", string, false), ("MasterId", string, false), ("MasterName", string, false)]),
        ("ArrayOfDocument", [("Document", "*tns:Document", false)]),
        ("Document", documentFields(status: "tns:Status")),
        (
            "Transaction",
            [
                ("Endpoint", string, false), ("MessageId", string, false), ("DeliveryMethod", "tns:DeliveryMethod", true),
                ("SenderReferenceId", string, false), ("ReceiverReferenceId", string, false),
            ]
        ),
        ("PagingResponse", [("NextPage", string, false)]),
        ("DocumentDetails", documentFields(status: "tns:StatusDetails") + [("Payload", "tns:Payload", false)]),
        (
            "StatusInfo",
            [
                ("UserId", string, false), ("UserName", string, false), ("AccountId", string, false),
                ("AccountName", string, false), ("ChangedOn", "s:dateTime", true),
            ]
        ),
        ("ArrayOfStatus", [("Status", "*tns:Status", false)]),
        ("SenderVia", [("ReferenceId", string, false)]),
        ("Recipient", [("ReferenceId", string, false), ("EmailAddress", string, false)]),
        ("FileDocument", [("Name", string, false), ("Contents", string, false)]),
        (
            "SearchParty",
            [
                ("ReferenceId", string, false), ("Name", string, false), ("ChamberNumber", string, false),
                ("Residence", string, false), ("CountryCode", string, false),
            ]
        ),
        ("ArrayOfParty", [("Party", "*tns:Party", false)]),
        ("Party", [("ReferenceId", string, false), ("Name", string, false), ("ChamberNumber", string, false), ("Address", "tns:Address", false)]),
        (
            "Address",
            [
                ("EstablishmentNumber", string, false), ("StreetName", string, false), ("HouseNumber", string, false),
                ("HouseNumberAddition", string, false), ("PostalCode", string, false), ("Residence", string, false),
                ("CountryCode", string, false),
            ]
        ),
        ("Account", [("Id", string, false), ("Name", string, false)]),
        ("ArrayOfPartyAccountDetails", [("PartyAccountDetails", "*tns:PartyAccountDetails", false)]),
    ]

    private static func documentFields(status: String) -> [Field] {
        [
            ("ExternalId", string, false), ("DocumentId", string, false), ("Subject", string, false),
            ("CreatedOn", "s:dateTime", true), ("ModifiedOn", "s:dateTime", true), ("Sender", "tns:DocumentParty", false),
            ("Reciever", "tns:DocumentParty", false), ("Status", status, false), ("Template", "tns:Template", false),
            ("Transaction", "tns:Transaction", false),
        ]
    }

    private static let list: [Field] = [("GroupId", string, false), ("EConnectPartyId", string, false), paging, documentSearch]
    private static func results(_ array: String) -> [Field] {
        [("Results", array, false), ("PagingResponse", "tns:PagingResponse", false)]
    }
    private static let single: [Field] = [("Details", "tns:DocumentDetails", false), ("Statuses", "tns:ArrayOfStatus", false)]
    private static let externalID: [Field] = [("ExternalId", string, false)]

    private static let elements: [(String, [Field])] = [
        ("GetInboxDocuments", list), ("GetInboxDocumentsResponse", results("tns:ArrayOfDocument")),
        ("GetInboxDocument", externalID), ("GetInboxDocumentResponse", single),
        ("SetInboxDocumentStatus", [("ExternalId", string, false), ("StatusCode", string, false)]),
        ("SetInboxDocumentStatusResponse", externalID),
        ("GetInboxDocumentStatus", externalID), ("GetInboxDocumentStatusResponse", [("Details", "tns:StatusDetails", false)]),
        ("GetOutboxDocuments", list), ("GetOutboxDocumentsResponse", results("tns:ArrayOfDocument")),
        ("GetOutboxDocument", externalID), ("GetOutboxDocumentResponse", single),
        ("GetOutboxDocumentStatus", externalID), ("GetOutboxDocumentStatusResponse", [("Details", "tns:StatusDetails", false)]),
        ("GetDocuments", [("GroupId", string, false), ("EConnectPartyId", string, false), paging, documentSearch]),
        ("GetDocumentsResponse", results("tns:ArrayOfDocument")),
        ("GetDocument", [("DocumentId", string, false)]), ("GetDocumentResponse", single),
        (
            "SendDocument",
            [
                ("Via", "tns:SenderVia", false), ("To", "tns:Recipient", false), ("Subject", string, false),
                ("Payload", "tns:Payload", false), ("TemplateId", string, false),
            ]
        ),
        ("SendDocumentResponse", externalID),
        ("GetDocumentPdf", externalID), ("GetDocumentPdfResponse", [("File", "tns:FileDocument", false)]),
        ("GetParties", [("Search", "tns:SearchParty", false), paging]),
        ("GetPartiesResponse", results("tns:ArrayOfParty")),
        ("GetParty", [("ReferenceId", string, false)]), ("GetPartyResponse", [("Details", "tns:PartyDetails", false)]),
        ("GetAccountParties", [("Search", "tns:SearchAccountParty", false), paging]),
        ("GetAccountPartiesReponse", results("tns:ArrayOfPartyAccountDetails")),
    ]
}
