import EInvoiceTestSupport
import Foundation
import PeppolAS4

extension TestPKI {
    func identity(_ name: String) throws -> AccessPointIdentity {
        try AccessPointIdentity(certificatePEM: try text(name + ".pem"), privateKeyPEM: try text(name + ".key"))
    }

    func trust() throws -> AS4Trust {
        AS4Trust(
            roots: try AS4Certificate.pemCertificates(try text("root.pem")), intermediates: try AS4Certificate.pemCertificates(try text("ca.pem")))
    }
}

/// A Peppol BIS 3 invoice from the shared corpus.
enum SampleInvoice {
    static func bytes() throws -> [UInt8] {
        Array(try Data(contentsOf: Corpus.folder.appendingPathComponent("peppol-bis3/base-example.xml")))
    }
}
