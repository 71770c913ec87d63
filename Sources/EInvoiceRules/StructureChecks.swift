import EInvoice

/// What the UBL 2.1 schema would reject, reported as findings with rule id `XSD`: the root
/// element, the elements every document must have, and the lexical form of numbers, dates and
/// indicators (values the official Schematron cannot even evaluate).
enum StructureChecks {
    static func findings(_ root: Node) -> [Finding] {
        var findings: [Finding] = []
        func fail(_ node: Node, _ message: String) {
            findings.append(Finding(ruleID: "XSD", flag: .fatal, location: node.path, line: node.line > 0 ? node.line : nil, message: message))
        }
        let isInvoice = root.isNamed(.ubl, "Invoice")
        let isCreditNote = root.isNamed(.cn, "CreditNote")
        guard isInvoice || isCreditNote else {
            fail(root, "The root element <\(root.name)> is not a UBL 2.1 Invoice or CreditNote (in the UBL 2.1 namespace).")
            return findings
        }
        let line = isInvoice ? "InvoiceLine" : "CreditNoteLine"
        for (namespace, name) in [(Namespace.cbc, "ID"), (.cbc, "IssueDate"), (.cac, "AccountingSupplierParty"), (.cac, "AccountingCustomerParty"), (.cac, "LegalMonetaryTotal"), (.cac, line)]
        where !root.children.contains(where: { $0.isNamed(namespace, name) }) {
            fail(root, "The element \(namespace.prefix)\(name) is required by the UBL 2.1 schema and missing.")
        }
        // Every element in document order; names are compared as bytes (most elements are none of these).
        for id in 0..<Int32(root.tree.count) {
            let node = root.node(id)
            guard node.namespace == .cbc else { continue }
            if node.nameEnds(with: "Amount") {
                if DecimalNumber(parsing: node.stringValue) == nil {
                    fail(node, "cbc:\(node.name) '\(node.stringValue.prefix(30))' is not a decimal number.")
                } else if !node.hasAttribute("currencyID") {
                    fail(node, "cbc:\(node.name) needs the currencyID attribute.")
                }
            } else if node.nameEnds(with: "Quantity") || node.isNamed(.cbc, "Percent") || node.isNamed(.cbc, "MultiplierFactorNumeric") {
                if DecimalNumber(parsing: node.stringValue) == nil {
                    fail(node, "cbc:\(node.name) '\(node.stringValue.prefix(30))' is not a decimal number.")
                }
            } else if node.nameEnds(with: "Date") {
                if LocalDate(node.stringValue) == nil {
                    fail(node, "cbc:\(node.name) '\(node.stringValue.prefix(30))' is not a date (YYYY-MM-DD).")
                }
            } else if node.nameEnds(with: "Indicator") {
                if !["true", "false", "1", "0"].contains(node.stringValue.normalizedSpace) {
                    fail(node, "cbc:\(node.name) '\(node.stringValue.prefix(30))' is not true or false.")
                }
            }
        }
        return findings
    }
}
