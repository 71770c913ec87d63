/// The UBL 2.1 namespaces.
public enum UBLNamespace {
    public static let invoice = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    public static let creditNote = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
    public static let cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    public static let cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
    public static let ext = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"

    static func root(of kind: Invoice.Kind) -> String {
        kind == .invoice ? invoice : creditNote
    }
}
