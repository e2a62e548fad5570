//! Signing algorithms: names, hashes, HMACs, the V11 derived key and the ECDSA / SM2 key
//! derivation from AK and SK.

use hmac::{KeyInit, Mac};
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use sm3::Sm3;

use crate::error::SignError;

/// A signing algorithm of the official SDK core.
///
/// The default, and the one the AOM API gateway expects, is [`SigningAlgorithm::HmacSha256`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// `SDK-HMAC-SHA256`: HMAC-SHA256 keyed with the SK (the default).
    #[default]
    HmacSha256,
    /// `SDK-HMAC-SM3`: HMAC-SM3 keyed with the SK; SM3 for every hash.
    HmacSm3,
    /// `SDK-ECDSA-P256-SHA256`: ECDSA on P-256 with a key derived from AK and SK.
    EcdsaP256Sha256,
    /// `SDK-SM2-SM3`: SM2 signature with a key derived from AK and SK.
    Sm2Sm3,
    /// `V11-HMAC-SHA256`: HMAC-SHA256 keyed with an HKDF-derived key scoped to a date,
    /// region and service. Needs a [`DerivedScope`](crate::signer::DerivedScope).
    V11HmacSha256,
}

/// The hash family an algorithm uses for the canonical request, payload and string to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HashKind {
    Sha256,
    Sm3,
}

/// Hex of SHA-256("").
pub(crate) const EMPTY_SHA256_HEX: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Hex of SM3("").
pub(crate) const EMPTY_SM3_HEX: &str =
    "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b";

impl SigningAlgorithm {
    /// Every algorithm, in a fixed order.
    pub const ALL: [Self; 5] = [
        Self::HmacSha256,
        Self::HmacSm3,
        Self::EcdsaP256Sha256,
        Self::Sm2Sm3,
        Self::V11HmacSha256,
    ];

    /// The name used in the string to sign and the `Authorization` header, e.g.
    /// `SDK-HMAC-SHA256`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::HmacSha256 => "SDK-HMAC-SHA256",
            Self::HmacSm3 => "SDK-HMAC-SM3",
            Self::EcdsaP256Sha256 => "SDK-ECDSA-P256-SHA256",
            Self::Sm2Sm3 => "SDK-SM2-SM3",
            Self::V11HmacSha256 => "V11-HMAC-SHA256",
        }
    }

    /// Looks an algorithm up by its [`name`](Self::name).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Maps the SDK's `HttpConfig.signing_algorithm` setting (`HMAC_SHA256`, `HMAC_SM3`,
    /// `ECDSA_P256_SHA256`, `SM2_SM3`) to an algorithm.
    #[must_use]
    pub fn from_sdk_setting(setting: &str) -> Option<Self> {
        match setting {
            "HMAC_SHA256" => Some(Self::HmacSha256),
            "HMAC_SM3" => Some(Self::HmacSm3),
            "ECDSA_P256_SHA256" => Some(Self::EcdsaP256Sha256),
            "SM2_SM3" => Some(Self::Sm2Sm3),
            _ => None,
        }
    }

    pub(crate) const fn hash_kind(self) -> HashKind {
        match self {
            Self::HmacSm3 | Self::Sm2Sm3 => HashKind::Sm3,
            _ => HashKind::Sha256,
        }
    }

    /// The header carrying `UNSIGNED-PAYLOAD` (and read as a caller-supplied payload hash).
    #[must_use]
    pub const fn content_hash_header(self) -> &'static str {
        match self.hash_kind() {
            HashKind::Sha256 => "X-Sdk-Content-Sha256",
            HashKind::Sm3 => "X-Sdk-Content-Sm3",
        }
    }

    /// Whether the signature is asymmetric (ECDSA / SM2) and therefore randomised.
    #[must_use]
    pub const fn is_asymmetric(self) -> bool {
        matches!(self, Self::EcdsaP256Sha256 | Self::Sm2Sm3)
    }
}

impl std::fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl HashKind {
    pub(crate) const fn empty_hex(self) -> &'static str {
        match self {
            Self::Sha256 => EMPTY_SHA256_HEX,
            Self::Sm3 => EMPTY_SM3_HEX,
        }
    }

    pub(crate) fn digest(self, data: &[u8]) -> [u8; 32] {
        match self {
            Self::Sha256 => Sha256::digest(data).into(),
            Self::Sm3 => Sm3::digest(data).into(),
        }
    }

    pub(crate) fn hmac(self, key: &[u8], data: &[u8]) -> [u8; 32] {
        match self {
            Self::Sha256 => hmac_sha256(key, data),
            Self::Sm3 => {
                // HMAC accepts keys of any length.
                let mut mac = match hmac::Hmac::<Sm3>::new_from_slice(key) {
                    Ok(mac) => mac,
                    Err(_) => return [0; 32],
                };
                mac.update(data);
                mac.finalize().into_bytes().into()
            }
        }
    }
}

pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail.
    let mut mac = match hmac::Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return [0; 32],
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Lower-case hex of 32 bytes, without allocating. Branch-free arithmetic per nibble, so
/// the compiler can vectorise it.
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    #[inline(always)]
    fn digit(nibble: u8) -> u8 {
        // '0'..='9' for 0..=9, 'a'..='f' for 10..=15.
        nibble + b'0' + u8::from(nibble > 9) * (b'a' - b'0' - 10)
    }
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = digit(b >> 4);
        pair[1] = digit(b & 0x0f);
    }
    out
}

/// The V11 signing key: the 64 lower-case hex characters of
/// HKDF-SHA256(salt = AK, ikm = SK, info), one expand block. The HMAC key used for signing is
/// the ASCII text of that hex, not the raw bytes.
pub(crate) fn v11_signing_key(ak: &str, sk: &str, info: &str) -> [u8; 64] {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(ak.as_bytes()), sk.as_bytes());
    let mut okm = [0u8; 32];
    // 32 bytes is one block, far below HKDF's 255-block limit.
    if hk.expand(info.as_bytes(), &mut okm).is_err() {
        okm = [0; 32];
    }
    hex32(&okm)
}

/// P-256 group order minus two, big-endian.
const P256_N_MINUS_2: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x4F,
];
/// SM2 group order minus two, big-endian.
const SM2_N_MINUS_2: [u8; 32] = [
    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0x72, 0x03, 0xDF, 0x6B, 0x21, 0xC6, 0x05, 0x2B, 0x53, 0xBB, 0xF4, 0x09, 0x39, 0xD5, 0x41, 0x21,
];

/// SM2's default user id for Z_A.
pub(crate) const SM2_DEFAULT_USER_ID: &str = "1234567812345678";

/// The private scalar the SDK derives from AK and SK for ECDSA / SM2, big-endian.
fn derive_private_scalar(alg: SigningAlgorithm, ak: &str, sk: &str) -> Option<[u8; 32]> {
    let (hash, n_minus_2) = match alg {
        SigningAlgorithm::EcdsaP256Sha256 => (HashKind::Sha256, &P256_N_MINUS_2),
        SigningAlgorithm::Sm2Sm3 => (HashKind::Sm3, &SM2_N_MINUS_2),
        _ => return None,
    };
    let mut msg = Vec::with_capacity(4 + alg.name().len() + 1 + ak.len() + 1 + 4);
    for counter in 0u8..=254 {
        msg.clear();
        msg.extend_from_slice(&[0, 0, 0, 1]);
        msg.extend_from_slice(alg.name().as_bytes());
        msg.push(0);
        msg.extend_from_slice(ak.as_bytes());
        msg.push(counter);
        msg.extend_from_slice(&[0, 0, 1, 0]);
        let mut candidate = hash.hmac(sk.as_bytes(), &msg);
        // Big-endian byte arrays of equal length compare like the integers they encode.
        if candidate <= *n_minus_2 {
            // candidate + 1; cannot overflow because candidate <= n - 2.
            for byte in candidate.iter_mut().rev() {
                let (v, carry) = byte.overflowing_add(1);
                *byte = v;
                if !carry {
                    break;
                }
            }
            return Some(candidate);
        }
    }
    None
}

/// A key pair derived deterministically from AK and SK, for `SDK-ECDSA-P256-SHA256` or
/// `SDK-SM2-SM3`.
#[derive(Clone)]
pub struct DerivedKeyPair {
    key: AsymmetricKey,
}

#[derive(Clone)]
enum AsymmetricKey {
    P256(p256::ecdsa::SigningKey),
    Sm2(sm2::dsa::SigningKey),
}

impl std::fmt::Debug for DerivedKeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (x, y) = self.public_key_hex();
        f.debug_struct("DerivedKeyPair")
            .field("algorithm", &self.algorithm())
            .field("public_key_x", &x)
            .field("public_key_y", &y)
            .field("private_key", &"[REDACTED]")
            .finish()
    }
}

impl DerivedKeyPair {
    /// Derives the key pair for `alg` (ECDSA or SM2 only) from AK and SK.
    ///
    /// # Errors
    /// [`SignError::UnsupportedAlgorithm`] for a symmetric algorithm, [`SignError::KeyDerivation`]
    /// if no valid scalar was found (practically impossible).
    pub fn derive(alg: SigningAlgorithm, ak: &str, sk: &str) -> Result<Self, SignError> {
        if !alg.is_asymmetric() {
            return Err(SignError::UnsupportedAlgorithm(alg.name()));
        }
        let scalar = derive_private_scalar(alg, ak, sk).ok_or(SignError::KeyDerivation)?;
        let key = match alg {
            SigningAlgorithm::EcdsaP256Sha256 => AsymmetricKey::P256(
                p256::ecdsa::SigningKey::from_slice(&scalar)
                    .map_err(|_| SignError::KeyDerivation)?,
            ),
            _ => AsymmetricKey::Sm2(
                sm2::dsa::SigningKey::from_slice(SM2_DEFAULT_USER_ID, &scalar)
                    .map_err(|_| SignError::KeyDerivation)?,
            ),
        };
        Ok(Self { key })
    }

    /// The algorithm this key pair is for.
    #[must_use]
    pub fn algorithm(&self) -> SigningAlgorithm {
        match self.key {
            AsymmetricKey::P256(_) => SigningAlgorithm::EcdsaP256Sha256,
            AsymmetricKey::Sm2(_) => SigningAlgorithm::Sm2Sm3,
        }
    }

    /// The public key's affine coordinates as lower-case hex `(x, y)`.
    #[must_use]
    pub fn public_key_hex(&self) -> (String, String) {
        let point = match &self.key {
            AsymmetricKey::P256(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            AsymmetricKey::Sm2(k) => {
                use sm2::elliptic_curve::sec1::ToSec1Point;
                k.verifying_key().to_sec1_point(false).as_bytes().to_vec()
            }
        };
        // Uncompressed SEC1: 0x04 || x || y.
        let coords = point.get(1..).unwrap_or_default();
        let half = coords.len() / 2;
        (hex::encode(&coords[..half]), hex::encode(&coords[half..]))
    }

    /// The private scalar as lower-case hex (wrapped: it is a secret).
    #[must_use]
    pub fn private_key_hex(&self) -> SecretString {
        let bytes = match &self.key {
            AsymmetricKey::P256(k) => k.to_bytes().to_vec(),
            AsymmetricKey::Sm2(k) => k.to_bytes().to_vec(),
        };
        SecretString::from(hex::encode(bytes))
    }

    /// Signs `message` (the string to sign) and returns the DER `SEQUENCE{r,s}` bytes.
    /// ECDSA uses RFC 6979 deterministic nonces; SM2 uses its crate's deterministic signer.
    ///
    /// # Errors
    /// [`SignError::Crypto`] if the underlying signer fails.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        use p256::ecdsa::signature::Signer as _;
        match &self.key {
            AsymmetricKey::P256(k) => {
                let sig: p256::ecdsa::Signature =
                    k.try_sign(message).map_err(|_| SignError::Crypto)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            AsymmetricKey::Sm2(k) => {
                let sig: sm2::dsa::Signature = sm2::dsa::signature::Signer::try_sign(k, message)
                    .map_err(|_| SignError::Crypto)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
        }
    }

    /// Verifies a DER-encoded signature of `message` against the public key.
    #[must_use]
    pub fn verify(&self, message: &[u8], der_signature: &[u8]) -> bool {
        match &self.key {
            AsymmetricKey::P256(k) => {
                use p256::ecdsa::signature::Verifier as _;
                p256::ecdsa::Signature::from_der(der_signature)
                    .is_ok_and(|sig| k.verifying_key().verify(message, &sig).is_ok())
            }
            AsymmetricKey::Sm2(k) => {
                use sm2::dsa::signature::Verifier as _;
                sm2::dsa::Signature::from_der(der_signature)
                    .is_ok_and(|sig| k.verifying_key().verify(message, &sig).is_ok())
            }
        }
    }
}
