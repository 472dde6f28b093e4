import warnings

# pysaml2 names cryptography's CFB mode where it used to live (a deprecation warning at import); it never uses it for
# SAML signatures, which xmlsec1 checks.
warnings.filterwarnings("ignore", message="CFB has been moved", module="saml2")
