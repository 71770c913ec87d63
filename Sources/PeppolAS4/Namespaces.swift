/// The namespaces and algorithm identifiers of the Peppol AS4 profile, spelled once.
public enum AS4Namespace {
    public static let soap12 = "http://www.w3.org/2003/05/soap-envelope"
    public static let ebms = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/"
    public static let ebbp = "http://docs.oasis-open.org/ebxml-bp/ebbp-signals-2.0"
    public static let wsse = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
    public static let wsse11 = "http://docs.oasis-open.org/wss/oasis-wss-wssecurity-secext-1.1.xsd"
    public static let wsu = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
    public static let ds = "http://www.w3.org/2000/09/xmldsig#"
    public static let xenc = "http://www.w3.org/2001/04/xmlenc#"
    public static let xenc11 = "http://www.w3.org/2009/xmlenc11#"
    public static let excC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    public static let sbdh = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
}

/// Algorithm and type URIs of the profile.
enum AS4Algorithm {
    static let rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
    static let rsaOAEP = "http://www.w3.org/2009/xmlenc11#rsa-oaep"
    static let mgf1SHA256 = "http://www.w3.org/2009/xmlenc11#mgf1sha256"
    static let aes128GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
    static let attachmentSignature =
        "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Content-Signature-Transform"
    static let attachmentCiphertext = "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Ciphertext-Transform"
    static let attachmentContentOnly = "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#Attachment-Content-Only"
    static let x509v3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
    static let base64Binary = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
    static let encryptedKeyToken = "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#EncryptedKey"
}

/// The Peppol values that go in every message.
public enum PeppolIdentifiers {
    public static let partyIdType = "urn:fdc:peppol.eu:2017:identifiers:ap"
    public static let agreement = "urn:fdc:peppol.eu:2017:agreements:tia:ap_provider"
    public static let participantScheme = "iso6523-actorid-upis"
    public static let documentScheme = "busdox-docid-qns"
    public static let processScheme = "cenbii-procid-ubl"
    public static let initiatorRole = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/initiator"
    public static let responderRole = "http://docs.oasis-open.org/ebxml-msg/ebms/v3.0/ns/core/200704/responder"
    public static let billingProcess = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    public static let invoiceDocumentType =
        "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"
    public static let creditNoteDocumentType =
        "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"
}
