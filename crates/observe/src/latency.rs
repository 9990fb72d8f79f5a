//! Latency recorded in an HDR histogram (microseconds, 3 significant digits), so
//! memory does not grow with the number of requests and runs merge without loss.

use std::time::Duration;

use base64::Engine as _;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{
    Deserializer, Serializer as _, V2DeflateSerializer, V2Serializer,
};

/// Highest latency recorded exactly: one hour. Longer values are clamped.
const HIGHEST_MICROS: u64 = 3_600_000_000;

#[derive(Debug, Clone, PartialEq)]
pub struct LatencyHistogram {
    histogram: Histogram<u64>,
}

/// The named figures of a latency distribution, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencySummary {
    pub min: f64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub p99_9: f64,
    pub max: f64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyHistogram {
    pub fn new() -> Self {
        // Sized to the largest value recorded so far, not to an hour: a histogram
        // covering 1 µs..1 h at 3 digits is ~190 KB of counters, zeroed on creation,
        // and a run of 10,000 scenarios creates a few per scenario. Values are
        // clamped to `HIGHEST_MICROS` before recording, so it never grows past that.
        let mut histogram = Histogram::new_with_bounds(1, 2, 3)
            .unwrap_or_else(|_| unreachable!("bounds are constants within hdrhistogram's limits"));
        histogram.auto(true);
        Self { histogram }
    }

    pub fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let micros = micros.clamp(1, HIGHEST_MICROS);
        // `record` grows the histogram to fit (auto-resize); it cannot fail within
        // HIGHEST_MICROS, and would saturate rather than lose the value if it did.
        if self.histogram.record(micros).is_err() {
            self.histogram.saturating_record(micros);
        }
    }

    /// Each bucket holding values: the highest value it stands for (µs) and how
    /// many it holds. Recording these again ([`record_micros`](Self::record_micros))
    /// gives back the same histogram.
    pub fn recorded(&self) -> Vec<(u64, u64)> {
        self.histogram
            .iter_recorded()
            .map(|bucket| (bucket.value_iterated_to(), bucket.count_at_value()))
            .collect()
    }

    /// Records `count` values of `micros` (clamped to the bounds, as `record`).
    pub fn record_micros(&mut self, micros: u64, count: u64) {
        let micros = micros.clamp(1, HIGHEST_MICROS);
        if self.histogram.record_n(micros, count).is_err() {
            self.histogram.saturating_record_n(micros, count);
        }
    }

    pub fn merge(&mut self, other: &LatencyHistogram) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.histogram.add(&other.histogram);
    }

    pub fn count(&self) -> u64 {
        self.histogram.len()
    }

    /// `pNN` is `value_at_quantile(NN / 100)`, in seconds; `None` without data.
    pub fn percentile(&self, percent: f64) -> Option<f64> {
        (self.count() > 0).then(|| self.histogram.value_at_quantile(percent / 100.0) as f64 / 1e6)
    }

    pub fn mean(&self) -> Option<f64> {
        (self.count() > 0).then(|| self.histogram.mean() / 1e6)
    }

    pub fn min(&self) -> Option<f64> {
        (self.count() > 0).then(|| self.histogram.min() as f64 / 1e6)
    }

    pub fn max(&self) -> Option<f64> {
        (self.count() > 0).then(|| self.histogram.max() as f64 / 1e6)
    }

    pub fn summary(&self) -> Option<LatencySummary> {
        if self.count() == 0 {
            return None;
        }
        let ms = |micros: u64| micros as f64 / 1000.0;
        let at = |q: f64| ms(self.histogram.value_at_quantile(q));
        Some(LatencySummary {
            min: ms(self.histogram.min()),
            mean: self.histogram.mean() / 1000.0,
            p50: at(0.50),
            p90: at(0.90),
            p95: at(0.95),
            p99: at(0.99),
            p99_9: at(0.999),
            max: ms(self.histogram.max()),
        })
    }

    /// Reads what [`encode`](Self::encode) (or any HdrHistogram library writing V2,
    /// compressed or not) wrote. An empty text is an empty histogram. Values must be
    /// microseconds within this histogram's bounds, so that merging is exact.
    pub fn decode(encoded: &str) -> Result<Self, DecodeError> {
        let mut decoded = Self::new();
        let encoded = encoded.trim();
        if encoded.is_empty() {
            return Ok(decoded);
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|error| DecodeError(format!("not base64: {error}")))?;
        check_payload_length(&bytes)?;
        let histogram: Histogram<u64> = Deserializer::new()
            .deserialize(&mut &bytes[..])
            .map_err(|error| DecodeError(format!("not an HdrHistogram: {error:?}")))?;
        if histogram.lowest_equivalent(histogram.max()) > HIGHEST_MICROS {
            return Err(DecodeError(format!(
                "values up to {} µs exceed the bounds 1..={HIGHEST_MICROS} µs",
                histogram.max()
            )));
        }
        decoded
            .histogram
            .add(&histogram)
            .map_err(|error| DecodeError(format!("cannot be merged: {error:?}")))?;
        Ok(decoded)
    }

    /// How many recorded values are at most `micros` (HdrHistogram's precision:
    /// values equivalent to `micros` count as at most it).
    pub fn count_at_most(&self, micros: u64) -> u64 {
        if self.count() == 0 {
            return 0;
        }
        self.histogram.count_between(0, micros.min(HIGHEST_MICROS))
    }

    /// The sum of recorded values in seconds, each counted at its bucket's middle
    /// (what a Prometheus histogram's `_sum` can be from an HDR histogram).
    pub fn sum_seconds(&self) -> f64 {
        self.histogram.mean() * self.count() as f64 / 1e6
    }

    /// HdrHistogram V2 + DEFLATE, base64: readable by every HdrHistogram library.
    ///
    /// The bytes are those of hdrhistogram's `V2DeflateSerializer` (a test checks),
    /// except that small histograms are stored in the zlib stream uncompressed
    /// (see [`STORE_BELOW`]). Its serializer builds a new DEFLATE compressor, ~300 KB
    /// of zeroed tables, on every call; a report of 10,000 scenarios encodes a few
    /// histograms per scenario, so each thread keeps one compressor and resets it.
    pub fn encode(&self) -> String {
        ENCODER.with(|encoder| match encoder.try_borrow_mut() {
            Ok(mut encoder) => encoder.encode(&self.histogram),
            // Not reentrant; cannot happen, but a fresh serializer is always right.
            Err(_) => {
                let mut bytes = Vec::new();
                match V2DeflateSerializer::new().serialize(&self.histogram, &mut bytes) {
                    Ok(_) => base64::engine::general_purpose::STANDARD.encode(bytes),
                    Err(_) => String::new(),
                }
            }
        })
    }
}

/// V2 encodings shorter than this go into the zlib stream as one stored
/// (uncompressed) block: a histogram of a few probes is a few dozen bytes, which
/// DEFLATE barely shrinks, while resetting the compressor zeroes ~200 KB of tables
/// (a third of all instructions of a 10,000-scenario run, by callgrind). Any zlib
/// reader takes either form.
const STORE_BELOW: usize = 1024;

/// hdrhistogram's cookie for V2 + DEFLATE (`V2_COMPRESSED_COOKIE`, not exported).
const V2_COMPRESSED_COOKIE: u32 = 0x1c84_9304 | 0x10;

thread_local! {
    static ENCODER: std::cell::RefCell<Encoder> = std::cell::RefCell::new(Encoder::new());
}

/// `V2DeflateSerializer`'s format with a reusable compressor: the cookie, the
/// compressed length (both big-endian u32), then the V2 encoding through zlib at
/// the default level.
struct Encoder {
    v2: V2Serializer,
    plain: Vec<u8>,
    packed: Vec<u8>,
    deflate: flate2::Compress,
}

impl Encoder {
    fn new() -> Self {
        Encoder {
            v2: V2Serializer::new(),
            plain: Vec::new(),
            packed: Vec::new(),
            deflate: flate2::Compress::new(flate2::Compression::default(), true),
        }
    }

    fn encode(&mut self, histogram: &Histogram<u64>) -> String {
        self.plain.clear();
        if self.v2.serialize(histogram, &mut self.plain).is_err() {
            return String::new();
        }
        self.packed.clear();
        self.packed
            .extend_from_slice(&V2_COMPRESSED_COOKIE.to_be_bytes());
        self.packed.extend_from_slice(&[0; 4]);
        if self.plain.len() < STORE_BELOW {
            zlib_stored(&self.plain, &mut self.packed);
        } else if !self.deflate_plain() {
            return String::new();
        }
        let length = u32::try_from(self.packed.len() - 8).unwrap_or(u32::MAX);
        self.packed[4..8].copy_from_slice(&length.to_be_bytes());
        base64::engine::general_purpose::STANDARD.encode(&self.packed)
    }

    /// Appends `plain` to `packed` through zlib at the default level (what
    /// `V2DeflateSerializer` does); false if the compressor failed.
    fn deflate_plain(&mut self) -> bool {
        self.deflate.reset();
        loop {
            self.packed.reserve(self.plain.len() / 2 + 64);
            let consumed = usize::try_from(self.deflate.total_in()).unwrap_or(usize::MAX);
            let input = self.plain.get(consumed..).unwrap_or_default();
            match self
                .deflate
                .compress_vec(input, &mut self.packed, flate2::FlushCompress::Finish)
            {
                Ok(flate2::Status::StreamEnd) => return true,
                Ok(_) => continue,
                Err(_) => return false,
            }
        }
    }
}

/// Appends `data` (shorter than 64 KiB) as a zlib stream of one stored block
/// (RFC 1950 and RFC 1951, section 3.2.4): header, block, Adler-32.
fn zlib_stored(data: &[u8], out: &mut Vec<u8>) {
    let length = u16::try_from(data.len()).unwrap_or(u16::MAX);
    // CMF 0x78 (DEFLATE, 32 KiB window), FLG 0x01 (fastest; header % 31 == 0).
    out.extend_from_slice(&[0x78, 0x01]);
    // BFINAL = 1, BTYPE = 00 (stored), then LEN and its one's complement.
    out.push(0x01);
    out.extend_from_slice(&length.to_le_bytes());
    out.extend_from_slice(&(!length).to_le_bytes());
    out.extend_from_slice(&data[..usize::from(length)]);
    let (mut a, mut b) = (1u32, 0u32);
    for byte in data {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
}

/// hdrhistogram's deserializer allocates the payload length its header states (up
/// to 4 GiB) before reading it: a 160-byte report field made `merge` take 2 GB
/// (found by fuzz/report_merge). For the compressed V2 encoding, the stream is
/// inflated here (at most 64 MiB) and the stated length must fit in what is there.
fn check_payload_length(bytes: &[u8]) -> Result<(), DecodeError> {
    use std::io::Read as _;
    const V2_COMPRESSED: u32 = 0x1c84_9314;
    const V2: u32 = 0x1c84_9313;
    const INFLATED_LIMIT: u64 = 64 << 20;
    let word = |at: usize, of: &[u8]| -> Option<u32> {
        Some(u32::from_be_bytes(of.get(at..at + 4)?.try_into().ok()?))
    };
    let inner_length = |inner: &[u8]| -> Result<(), DecodeError> {
        let stated = word(4, inner).unwrap_or(0) as usize;
        // The V2 header is 40 bytes; the payload follows it.
        if inner.len().saturating_sub(40) < stated {
            return Err(DecodeError(format!(
                "states a payload of {stated} bytes but holds {}",
                inner.len().saturating_sub(40)
            )));
        }
        Ok(())
    };
    match word(0, bytes) {
        Some(V2_COMPRESSED) => {
            let mut inner = Vec::new();
            flate2::read::ZlibDecoder::new(bytes.get(8..).unwrap_or_default())
                .take(INFLATED_LIMIT)
                .read_to_end(&mut inner)
                .map_err(|error| DecodeError(format!("not an HdrHistogram: {error}")))?;
            if word(0, &inner) == Some(V2) {
                inner_length(&inner)?;
            }
            Ok(())
        }
        Some(V2) => inner_length(bytes),
        _ => Ok(()),
    }
}

/// An encoded histogram that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("histogram does not decode: {0}")]
pub struct DecodeError(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_merge() {
        let mut first = LatencyHistogram::new();
        let mut second = LatencyHistogram::new();
        for ms in 1..=50 {
            first.record(Duration::from_millis(ms));
        }
        for ms in 51..=100 {
            second.record(Duration::from_millis(ms));
        }
        first.merge(&second);
        assert_eq!(first.count(), 100);
        let p95 = first.percentile(95.0).unwrap_or_default();
        assert!((p95 - 0.095).abs() < 0.0001, "{p95}");
        assert_eq!(first.min(), Some(0.001));
        assert!(first.encode().starts_with("HISTF"));
        assert_eq!(LatencyHistogram::new().percentile(50.0), None);
    }

    #[test]
    fn encode_writes_what_hdrhistograms_serializer_writes() {
        let mut latency = LatencyHistogram::new();
        for step in 0..5_000u64 {
            latency.record(Duration::from_micros(1 + step * step % 2_000_003));
        }
        let mut plain = Vec::new();
        V2Serializer::new()
            .serialize(&latency.histogram, &mut plain)
            .expect("serializes");
        assert!(plain.len() >= STORE_BELOW, "large enough to be compressed");
        let mut bytes = Vec::new();
        V2DeflateSerializer::new()
            .serialize(&latency.histogram, &mut bytes)
            .expect("serializes");
        let reference = base64::engine::general_purpose::STANDARD.encode(bytes);
        // Twice: the second call reuses the thread's compressor.
        assert_eq!(latency.encode(), reference);
        assert_eq!(latency.encode(), reference);
    }

    #[test]
    fn small_histograms_are_stored_and_read_back_by_hdrhistogram() {
        let mut few = LatencyHistogram::new();
        for micros in [1, 1_032, 1_032, 250_000] {
            few.record(Duration::from_micros(micros));
        }
        for histogram in [LatencyHistogram::new(), few] {
            let encoded = histogram.encode();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&encoded)
                .expect("base64");
            // The zlib stream starts after the cookie and length.
            assert_eq!(&bytes[8..11], &[0x78, 0x01, 0x01], "one stored block");
            let read: Histogram<u64> = Deserializer::new()
                .deserialize(&mut &bytes[..])
                .expect("hdrhistogram reads it");
            assert_eq!(read, histogram.histogram);
            assert_eq!(read.len(), histogram.count());
        }
    }

    #[test]
    fn decode_reads_encode_exactly() {
        let mut latency = LatencyHistogram::new();
        for micros in [1, 950, 12_345, 12_346, 800_000, 3_600_000_000] {
            latency.record(Duration::from_micros(micros));
        }
        let decoded = LatencyHistogram::decode(&latency.encode()).expect("decodes");
        assert_eq!(decoded, latency);
        assert_eq!(decoded.count(), 6);
        assert_eq!(decoded.count_at_most(1_000), 2);
        assert_eq!(
            LatencyHistogram::decode("").map(|h| h.count()),
            Ok(0),
            "empty text is an empty histogram"
        );
        assert!(LatencyHistogram::decode("not base64!").is_err());
        assert!(
            LatencyHistogram::decode("SElTVEZBQUFB").is_err(),
            "truncated"
        );
        let text = latency.encode();
        assert!(LatencyHistogram::decode(&text[..text.len() / 2]).is_err());
    }

    /// A header stating a payload far larger than the stream: refused before
    /// hdrhistogram allocates it (it took 2 GB; fuzz/regressions/report_merge).
    #[test]
    fn a_stated_payload_larger_than_the_stream_is_refused() {
        use std::io::{Read as _, Write as _};
        let mut histogram = LatencyHistogram::new();
        histogram.record(Duration::from_millis(12));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(histogram.encode())
            .expect("base64");
        let mut inner = Vec::new();
        flate2::read::ZlibDecoder::new(&bytes[8..])
            .read_to_end(&mut inner)
            .expect("inflates");
        inner[4..8].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
        let mut packed =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        packed.write_all(&inner).expect("deflates");
        let packed = packed.finish().expect("deflates");
        let mut forged = bytes[..4].to_vec();
        forged.extend_from_slice(&(packed.len() as u32).to_be_bytes());
        forged.extend_from_slice(&packed);
        let text = base64::engine::general_purpose::STANDARD.encode(forged);
        let error = LatencyHistogram::decode(&text).expect_err("forged length");
        assert!(
            error
                .to_string()
                .contains("states a payload of 2147483647 bytes"),
            "{error}"
        );
        assert!(LatencyHistogram::decode(&histogram.encode()).is_ok());
    }
}
