// OpenSSL's libcrypto, for the RSA private-key operations of an access point (PeppolAS4).
#include <openssl/evp.h>
#include <openssl/rsa.h>
