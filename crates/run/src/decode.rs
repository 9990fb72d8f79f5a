//! Response body decoding: `Content-Encoding` (incremental and capped) and charset.
//!
//! ujilab turns reqwest's own decompression off so that `Content-Encoding` stays visible
//! (PF-03 reads it) and decodes bodies here. [`BodyDecoder`] is fed the body as it arrives
//! and enforces the `max_body` cap on *decoded* bytes: the chunk that would cross the cap
//! fails with [`DecodeError::TooLarge`] before anything past the cap is stored, so a
//! decompression bomb costs at most the cap in memory (plus the decoders' fixed windows:
//! 32 KiB for gzip/deflate, at most 16 MiB for brotli and at most `max(8 MiB, cap)` for
//! zstd, whose larger windows are refused as RFC 9659 allows).
//!
//! Supported codings: `gzip` (and `x-gzip`, several members), `deflate` (zlib-wrapped as
//! the RFC says, or raw deflate as some servers send it), `br`, `zstd` (several frames,
//! skippable frames; the optional content checksum is not verified), `identity`, and a
//! list of them (`gzip, br` is undone right to left). An unknown coding leaves the body as
//! received and says so in [`BodyDecoder::note`]. Content-Encoding on an empty body (HEAD,
//! 304) decodes to an empty body.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use bytes::Bytes;
use flate2::write::{DeflateDecoder, MultiGzDecoder, ZlibDecoder};

/// A content coding ujilab can undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coding {
    Gzip,
    Deflate,
    Brotli,
    Zstd,
}

impl Coding {
    /// The token as written in `Content-Encoding`.
    pub fn name(self) -> &'static str {
        match self {
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Brotli => "br",
            Coding::Zstd => "zstd",
        }
    }

    fn from_token(token: &str) -> Option<Coding> {
        match token {
            "gzip" | "x-gzip" => Some(Coding::Gzip),
            "deflate" => Some(Coding::Deflate),
            "br" => Some(Coding::Brotli),
            "zstd" => Some(Coding::Zstd),
            _ => None,
        }
    }
}

impl fmt::Display for Coding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The decoded body (or an intermediate stage of a multi-coding body) passed the cap.
    #[error("the decoded body is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// The bytes are not valid for the coding the server announced, or end too early.
    #[error("could not decode the {coding} body: {message}")]
    Corrupt { coding: Coding, message: String },
}

/// More codings than this in one `Content-Encoding` is not a real server.
const MAX_CODINGS: usize = 4;
/// Window the zstd decoder accepts regardless of the cap (RFC 9659's limit for HTTP).
const ZSTD_HTTP_WINDOW: u64 = 8 * 1024 * 1024;
const BROTLI_BUFFER: usize = 32 * 1024;

/// Decodes one response body as it arrives, never holding more than `limit` decoded bytes.
pub struct BodyDecoder {
    stages: Vec<Stage>,
    out: Sink,
    limit: u64,
    wire_bytes: u64,
    note: Option<String>,
}

impl BodyDecoder {
    /// A decoder for a body sent with this `Content-Encoding` (all field lines joined with
    /// `,`), capped at `limit` decoded bytes.
    pub fn new(content_encoding: Option<&str>, limit: u64) -> BodyDecoder {
        let mut codings = Vec::new();
        let mut note = None;
        for token in content_encoding.unwrap_or("").split(',') {
            let token = token.trim().to_ascii_lowercase();
            if token.is_empty() || token == "identity" {
                continue;
            }
            match Coding::from_token(&token) {
                Some(coding) => codings.push(coding),
                None => {
                    note = Some(format!(
                        "unknown Content-Encoding \"{token}\": body kept as received"
                    ));
                    codings.clear();
                    break;
                }
            }
        }
        if codings.len() > MAX_CODINGS {
            note = Some(format!(
                "{} content codings in Content-Encoding: body kept as received",
                codings.len()
            ));
            codings.clear();
        }
        // "gzip, br" means gzip was applied first: undo br first.
        let stages = codings
            .iter()
            .rev()
            .map(|&coding| Stage::new(coding, limit))
            .collect();
        BodyDecoder {
            stages,
            out: Sink::new(limit),
            limit,
            wire_bytes: 0,
            note,
        }
    }

    /// True when the body is stored as received (no coding, `identity`, or an unknown
    /// coding), so that its size on the wire is its decoded size.
    pub fn is_identity(&self) -> bool {
        self.stages.is_empty()
    }

    /// Set when the body is kept as received because its coding is unknown.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Body bytes received so far (after transfer decoding, before content decoding).
    pub fn wire_bytes(&self) -> u64 {
        self.wire_bytes
    }

    /// Decoded bytes produced so far.
    #[cfg(test)]
    pub fn decoded_bytes(&self) -> u64 {
        self.out.total
    }

    /// Feeds the next piece of the body. After an error the decoder must not be used again.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), DecodeError> {
        self.wire_bytes += chunk.len() as u64;
        if chunk.is_empty() {
            return Ok(());
        }
        let mut data: Cow<'_, [u8]> = Cow::Borrowed(chunk);
        for stage in &mut self.stages {
            stage
                .write(&data)
                .map_err(|e| decode_error(e, stage.coding(), self.limit))?;
            data = Cow::Owned(stage.sink().take());
            if data.is_empty() {
                return Ok(());
            }
        }
        let limit = self.limit;
        self.out
            .accept(&data)
            .map_err(|_| DecodeError::TooLarge { limit })
    }

    /// Ends the body: checks that every coded stream is complete and returns the decoded
    /// body.
    pub fn finish(mut self) -> Result<Bytes, DecodeError> {
        if self.wire_bytes == 0 {
            return Ok(Bytes::new());
        }
        let limit = self.limit;
        let mut carry: Vec<u8> = Vec::new();
        for stage in &mut self.stages {
            let coding = stage.coding();
            if !carry.is_empty() {
                stage
                    .write(&carry)
                    .map_err(|e| decode_error(e, coding, limit))?;
            }
            stage.finish().map_err(|e| decode_error(e, coding, limit))?;
            carry = stage.sink().take();
        }
        self.out
            .accept(&carry)
            .map_err(|_| DecodeError::TooLarge { limit })?;
        Ok(Bytes::from(std::mem::take(&mut self.out.buf)))
    }
}

/// Decodes a whole body at once (for bodies already in memory).
#[cfg(test)]
pub fn decode_all(
    content_encoding: Option<&str>,
    raw: &[u8],
    limit: u64,
) -> Result<(Bytes, Option<String>), DecodeError> {
    let mut decoder = BodyDecoder::new(content_encoding, limit);
    decoder.push(raw)?;
    let note = decoder.note().map(str::to_string);
    Ok((decoder.finish()?, note))
}

/// The text of a decoded body: the `charset` of `Content-Type` when it names an encoding
/// (WHATWG labels: `iso-8859-1` is windows-1252, as in browsers), else UTF-8; invalid
/// bytes become U+FFFD; a byte-order mark of that encoding is dropped.
pub fn decode_text(body: &[u8], content_type: Option<&str>) -> String {
    let encoding = content_type
        .and_then(charset_param)
        .and_then(|label| encoding_rs::Encoding::for_label(label.as_bytes()))
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _had_errors) = encoding.decode_with_bom_removal(body);
    text.into_owned()
}

/// The `charset` parameter of a `Content-Type` value, unquoted.
pub fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let value = value.trim().trim_matches('"').trim();
        (!value.is_empty()).then_some(value)
    })
}

/// Marks the I/O error that a [`Sink`] returns when the cap is crossed.
#[derive(Debug)]
struct OverLimit;

impl fmt::Display for OverLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("decoded body over the limit")
    }
}

impl std::error::Error for OverLimit {}

fn over_limit() -> io::Error {
    io::Error::other(OverLimit)
}

fn decode_error(e: io::Error, coding: Coding, limit: u64) -> DecodeError {
    if e.get_ref().is_some_and(|inner| inner.is::<OverLimit>()) {
        return DecodeError::TooLarge { limit };
    }
    let message = match e.kind() {
        io::ErrorKind::UnexpectedEof => "the stream ends early (truncated body)".to_string(),
        io::ErrorKind::WriteZero => format!("unexpected data after the end of the {coding} stream"),
        _ => e.to_string(),
    };
    DecodeError::Corrupt { coding, message }
}

/// Output of one decoding stage: keeps at most `limit` bytes over its whole life and
/// never allocates past that.
struct Sink {
    buf: Vec<u8>,
    total: u64,
    limit: u64,
}

impl Sink {
    fn new(limit: u64) -> Sink {
        Sink {
            buf: Vec::new(),
            total: 0,
            limit,
        }
    }

    fn accept(&mut self, data: &[u8]) -> io::Result<()> {
        let new_total = self.total.saturating_add(data.len() as u64);
        if new_total > self.limit {
            return Err(over_limit());
        }
        let needed = self.buf.len() + data.len();
        if needed > self.buf.capacity() {
            // What this buffer may still grow to: the bytes it holds plus what the cap
            // still allows.
            let budget = self.buf.len() as u64 + (self.limit - self.total);
            let budget = usize::try_from(budget).unwrap_or(usize::MAX);
            let doubled = self.buf.capacity().saturating_mul(2).max(8 * 1024);
            let target = needed.max(doubled.min(budget));
            self.buf.reserve_exact(target - self.buf.len());
        }
        self.buf.extend_from_slice(data);
        self.total = new_total;
        Ok(())
    }

    fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.accept(data)?;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Stage {
    Gzip(Box<MultiGzDecoder<Sink>>),
    Deflate(DeflateStage),
    Brotli(Box<brotli_decompressor::DecompressorWriter<Sink>>),
    Zstd(Box<ZstdStage>),
}

impl Stage {
    fn new(coding: Coding, limit: u64) -> Stage {
        match coding {
            Coding::Gzip => Stage::Gzip(Box::new(MultiGzDecoder::new(Sink::new(limit)))),
            Coding::Deflate => Stage::Deflate(DeflateStage::Sniffing {
                head: Vec::new(),
                sink: Some(Sink::new(limit)),
            }),
            Coding::Brotli => Stage::Brotli(Box::new(
                brotli_decompressor::DecompressorWriter::new(Sink::new(limit), BROTLI_BUFFER),
            )),
            Coding::Zstd => Stage::Zstd(Box::new(ZstdStage::new(limit))),
        }
    }

    fn coding(&self) -> Coding {
        match self {
            Stage::Gzip(_) => Coding::Gzip,
            Stage::Deflate(_) => Coding::Deflate,
            Stage::Brotli(_) => Coding::Brotli,
            Stage::Zstd(_) => Coding::Zstd,
        }
    }

    fn write(&mut self, input: &[u8]) -> io::Result<()> {
        match self {
            Stage::Gzip(d) => d.write_all(input),
            Stage::Deflate(d) => d.write(input),
            Stage::Brotli(d) => d.write_all(input),
            Stage::Zstd(d) => d.write(input),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        match self {
            Stage::Gzip(d) => d.try_finish(),
            Stage::Deflate(d) => d.finish(),
            Stage::Brotli(d) => d.close(),
            Stage::Zstd(d) => d.finish(),
        }
    }

    fn sink(&mut self) -> &mut Sink {
        match self {
            Stage::Gzip(d) => d.get_mut(),
            Stage::Deflate(d) => d.sink(),
            Stage::Brotli(d) => d.get_mut(),
            Stage::Zstd(d) => &mut d.sink,
        }
    }
}

/// `deflate` is zlib-wrapped by the RFC, but some servers send raw deflate: the first two
/// bytes tell which.
enum DeflateStage {
    Sniffing { head: Vec<u8>, sink: Option<Sink> },
    Zlib(Box<ZlibDecoder<Sink>>),
    Raw(Box<DeflateDecoder<Sink>>),
}

impl DeflateStage {
    fn write(&mut self, input: &[u8]) -> io::Result<()> {
        match self {
            DeflateStage::Sniffing { head, .. } => {
                head.extend_from_slice(input);
                if head.len() >= 2 {
                    self.choose()?;
                }
                Ok(())
            }
            DeflateStage::Zlib(d) => d.write_all(input),
            DeflateStage::Raw(d) => d.write_all(input),
        }
    }

    /// Picks zlib or raw from the bytes seen so far and feeds them to it.
    fn choose(&mut self) -> io::Result<()> {
        let DeflateStage::Sniffing { head, sink } = self else {
            return Ok(());
        };
        let head = std::mem::take(head);
        let Some(sink) = sink.take() else {
            return Ok(());
        };
        let zlib = head.len() >= 2
            && head[0] & 0x0f == 8
            && head[0] >> 4 <= 7
            && (u16::from(head[0]) << 8 | u16::from(head[1])) % 31 == 0;
        *self = if zlib {
            DeflateStage::Zlib(Box::new(ZlibDecoder::new(sink)))
        } else {
            DeflateStage::Raw(Box::new(DeflateDecoder::new(sink)))
        };
        match self {
            DeflateStage::Zlib(d) => d.write_all(&head),
            DeflateStage::Raw(d) => d.write_all(&head),
            DeflateStage::Sniffing { .. } => Ok(()),
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        if matches!(self, DeflateStage::Sniffing { head, .. } if head.is_empty()) {
            return Ok(());
        }
        self.choose()?;
        match self {
            DeflateStage::Zlib(d) => d.try_finish(),
            DeflateStage::Raw(d) => d.try_finish(),
            DeflateStage::Sniffing { .. } => Ok(()),
        }
    }

    fn sink(&mut self) -> &mut Sink {
        match self {
            DeflateStage::Sniffing { sink, .. } => {
                // Before the coding is chosen nothing has been decoded: the sink is here.
                sink.get_or_insert_with(|| Sink::new(0))
            }
            DeflateStage::Zlib(d) => d.get_mut(),
            DeflateStage::Raw(d) => d.get_mut(),
        }
    }
}

/// zstd, block by block: ruzstd's decoder reads from `std::io::Read`, so compressed bytes
/// wait in `pending` until a whole frame header or block is there, and each block (at
/// most 128 KiB decoded) is drained into the sink before the next is decoded.
struct ZstdStage {
    decoder: ruzstd::decoding::FrameDecoder,
    pending: Vec<u8>,
    state: ZstdState,
    sink: Sink,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ZstdState {
    FrameHeader,
    Block { checksum: bool },
    Skip(u64),
}

const ZSTD_MAGIC: u32 = 0xFD2F_B528;
const ZSTD_MAX_BLOCK: usize = 128 * 1024;

fn corrupt(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

impl ZstdStage {
    fn new(limit: u64) -> ZstdStage {
        ZstdStage {
            decoder: ruzstd::decoding::FrameDecoder::new(),
            pending: Vec::new(),
            state: ZstdState::FrameHeader,
            sink: Sink::new(limit),
        }
    }

    fn write(&mut self, input: &[u8]) -> io::Result<()> {
        self.pending.extend_from_slice(input);
        while self.step()? {}
        Ok(())
    }

    /// Consumes one unit (frame header, block, skipped bytes) if it is complete.
    fn step(&mut self) -> io::Result<bool> {
        match self.state {
            ZstdState::Skip(remaining) => {
                let n = usize::try_from(remaining)
                    .unwrap_or(usize::MAX)
                    .min(self.pending.len());
                if n == 0 {
                    return Ok(false);
                }
                self.pending.drain(..n);
                let remaining = remaining - n as u64;
                self.state = if remaining == 0 {
                    ZstdState::FrameHeader
                } else {
                    ZstdState::Skip(remaining)
                };
                Ok(true)
            }
            ZstdState::FrameHeader => self.frame_header(),
            ZstdState::Block { checksum } => self.block(checksum),
        }
    }

    fn frame_header(&mut self) -> io::Result<bool> {
        let p = &self.pending;
        if p.len() < 4 {
            return Ok(false);
        }
        let magic = u32::from_le_bytes([p[0], p[1], p[2], p[3]]);
        if (0x184D_2A50..=0x184D_2A5F).contains(&magic) {
            if p.len() < 8 {
                return Ok(false);
            }
            let length = u32::from_le_bytes([p[4], p[5], p[6], p[7]]);
            self.pending.drain(..8);
            self.state = ZstdState::Skip(u64::from(length));
            return Ok(true);
        }
        if magic != ZSTD_MAGIC {
            return Err(corrupt("not a zstd frame (bad magic number)"));
        }
        if p.len() < 5 {
            return Ok(false);
        }
        let descriptor = p[4];
        let single_segment = descriptor & 0x20 != 0;
        let checksum = descriptor & 0x04 != 0;
        let dict_len = [0usize, 1, 2, 4][usize::from(descriptor & 0x03)];
        let fcs_len = match descriptor >> 6 {
            0 if single_segment => 1,
            0 => 0,
            1 => 2,
            2 => 4,
            _ => 8,
        };
        let window_len = usize::from(!single_segment);
        let header_len = 5 + window_len + dict_len + fcs_len;
        if p.len() < header_len {
            return Ok(false);
        }
        let fcs_at = 5 + window_len + dict_len;
        let mut fcs_bytes = [0u8; 8];
        fcs_bytes[..fcs_len].copy_from_slice(&p[fcs_at..fcs_at + fcs_len]);
        let mut content_size = u64::from_le_bytes(fcs_bytes);
        if fcs_len == 2 {
            content_size += 256;
        }
        let remaining = self.sink.limit - self.sink.total;
        if fcs_len > 0 && content_size > remaining {
            // The frame announces more than the cap allows: no need to decode it.
            return Err(over_limit());
        }
        if !single_segment {
            let wd = p[5];
            let window_log = 10 + u32::from(wd >> 3);
            let base = 1u64.checked_shl(window_log).unwrap_or(u64::MAX);
            let window = base + (base / 8) * u64::from(wd & 0x07);
            if window > ZSTD_HTTP_WINDOW.max(self.sink.limit) {
                return Err(corrupt(format!(
                    "zstd window of {window} bytes is over the 8 MiB HTTP limit (RFC 9659)"
                )));
            }
        }
        let mut src: &[u8] = &self.pending[..header_len];
        self.decoder
            .reset(&mut src)
            .map_err(|e| corrupt(format!("invalid zstd frame header: {e}")))?;
        self.pending.drain(..header_len);
        self.state = ZstdState::Block { checksum };
        Ok(true)
    }

    fn block(&mut self, checksum: bool) -> io::Result<bool> {
        let p = &self.pending;
        if p.len() < 3 {
            return Ok(false);
        }
        let header = u32::from(p[0]) | u32::from(p[1]) << 8 | u32::from(p[2]) << 16;
        let last = header & 1 != 0;
        let size = (header >> 3) as usize;
        let content = match (header >> 1) & 0x03 {
            0 | 2 => size,
            1 => 1,
            _ => return Err(corrupt("reserved zstd block type")),
        };
        if size > ZSTD_MAX_BLOCK {
            return Err(corrupt(format!("zstd block of {size} bytes (max 128 KiB)")));
        }
        let need = 3 + content + if last && checksum { 4 } else { 0 };
        if p.len() < need {
            return Ok(false);
        }
        let mut src: &[u8] = &self.pending[..need];
        self.decoder
            .decode_blocks(
                &mut src,
                ruzstd::decoding::BlockDecodingStrategy::UptoBlocks(1),
            )
            .map_err(|e| corrupt(format!("invalid zstd block: {e}")))?;
        if !src.is_empty() {
            return Err(corrupt("zstd block framing mismatch"));
        }
        self.pending.drain(..need);
        if let Some(decoded) = self.decoder.collect() {
            self.sink.accept(&decoded)?;
        }
        if last {
            self.state = ZstdState::FrameHeader;
        }
        Ok(true)
    }

    fn finish(&mut self) -> io::Result<()> {
        while self.step()? {}
        if self.state == ZstdState::FrameHeader && self.pending.is_empty() {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "zstd stream ends early",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Halo, layanan publik! Selamat datang di Kabupaten Contoh.\n";
    /// `brotli -c` of TEXT.
    const TEXT_BR: &str = "21e4000448616c6f2c206c6179616e616e207075626c696b212053656c616d617420646174616e67206469204b616275706174656e20436f6e746f682e0a03";
    /// `brotli -q 11` of 16 MiB of zeros (14 bytes).
    const ZEROS_16M_BR: &str = "cfffff7ff82700e2b14020f7fe7f";

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).expect("gzip");
        e.finish().expect("gzip")
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).expect("zlib");
        e.finish().expect("zlib")
    }

    fn raw_deflate(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).expect("deflate");
        e.finish().expect("deflate")
    }

    fn zstd(data: &[u8]) -> Vec<u8> {
        ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
    }

    /// Feeds `raw` in pieces of `piece` bytes.
    fn decode_in_pieces(
        encoding: Option<&str>,
        raw: &[u8],
        limit: u64,
        piece: usize,
    ) -> Result<Bytes, DecodeError> {
        let mut d = BodyDecoder::new(encoding, limit);
        for chunk in raw.chunks(piece.max(1)) {
            d.push(chunk)?;
        }
        d.finish()
    }

    fn assert_roundtrip(encoding: &str, raw: &[u8], expected: &[u8]) {
        for piece in [1, 2, 3, 7, 64, 4096, usize::MAX] {
            let got = decode_in_pieces(Some(encoding), raw, 1 << 30, piece)
                .unwrap_or_else(|e| panic!("{encoding} piece {piece}: {e}"));
            assert_eq!(&got[..], expected, "{encoding} piece {piece}");
        }
    }

    fn large_text() -> Vec<u8> {
        let mut v = Vec::new();
        for i in 0..20_000u32 {
            v.extend_from_slice(format!("baris {i}: persyaratan, prosedur, biaya\n").as_bytes());
        }
        v
    }

    #[test]
    fn identity_and_absent() {
        for enc in [None, Some("identity"), Some(""), Some(" Identity ")] {
            let (body, note) = decode_all(enc, b"plain", 100).expect("identity");
            assert_eq!(&body[..], b"plain");
            assert!(note.is_none());
        }
    }

    #[test]
    fn gzip_roundtrip_and_multi_member() {
        assert_roundtrip("gzip", &gzip(TEXT.as_bytes()), TEXT.as_bytes());
        assert_roundtrip("x-gzip", &gzip(&large_text()), &large_text());
        let mut two = gzip(b"first ");
        two.extend(gzip(b"second"));
        assert_roundtrip("GZIP", &two, b"first second");
    }

    #[test]
    fn deflate_zlib_and_raw() {
        assert_roundtrip("deflate", &zlib(TEXT.as_bytes()), TEXT.as_bytes());
        assert_roundtrip("deflate", &raw_deflate(TEXT.as_bytes()), TEXT.as_bytes());
        assert_roundtrip("deflate", &raw_deflate(&large_text()), &large_text());
    }

    #[test]
    fn brotli_roundtrip() {
        assert_roundtrip("br", &hex(TEXT_BR), TEXT.as_bytes());
    }

    #[test]
    fn zstd_roundtrip_multi_frame_and_skippable() {
        assert_roundtrip("zstd", &zstd(TEXT.as_bytes()), TEXT.as_bytes());
        assert_roundtrip("zstd", &zstd(&large_text()), &large_text());
        let mut frames = zstd(b"one ");
        // A skippable frame between two frames.
        frames.extend_from_slice(&0x184D_2A50u32.to_le_bytes());
        frames.extend_from_slice(&3u32.to_le_bytes());
        frames.extend_from_slice(b"xyz");
        frames.extend(zstd(b"two"));
        assert_roundtrip("zstd", &frames, b"one two");
    }

    #[test]
    fn stacked_codings_are_undone_right_to_left() {
        let raw = zstd(&gzip(TEXT.as_bytes()));
        assert_roundtrip("gzip, zstd", &raw, TEXT.as_bytes());
    }

    #[test]
    fn unknown_coding_keeps_raw_and_notes_it() {
        let mut d = BodyDecoder::new(Some("gzip, compress"), 100);
        assert!(d.is_identity());
        assert!(d.note().is_some_and(|n| n.contains("compress")));
        d.push(b"\x1f\x9d\x90").expect("raw");
        assert_eq!(&d.finish().expect("raw")[..], b"\x1f\x9d\x90");
    }

    #[test]
    fn empty_body_with_coding_is_empty() {
        for enc in ["gzip", "deflate", "br", "zstd"] {
            let d = BodyDecoder::new(Some(enc), 10);
            assert!(d.finish().expect("empty").is_empty(), "{enc}");
        }
    }

    #[test]
    fn identity_cap() {
        let err = decode_in_pieces(None, &[b'a'; 101], 100, 10).expect_err("cap");
        assert_eq!(err, DecodeError::TooLarge { limit: 100 });
        assert!(decode_in_pieces(None, &[b'a'; 100], 100, 10).is_ok());
    }

    fn assert_bomb_stops(encoding: &str, raw: &[u8]) {
        let limit = 1024 * 1024;
        let mut d = BodyDecoder::new(Some(encoding), limit);
        let mut result = Ok(());
        for chunk in raw.chunks(16 * 1024) {
            result = d.push(chunk);
            assert!(d.decoded_bytes() <= limit, "{encoding}");
            assert!(d.out.buf.capacity() as u64 <= limit, "{encoding}");
            if result.is_err() {
                break;
            }
        }
        let result = result.and_then(|()| d.finish().map(|_| ()));
        assert_eq!(
            result,
            Err(DecodeError::TooLarge { limit }),
            "{encoding} bomb"
        );
    }

    #[test]
    fn bombs_stop_at_the_cap() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        assert_bomb_stops("gzip", &gzip(&zeros));
        assert_bomb_stops("deflate", &zlib(&zeros));
        assert_bomb_stops("deflate", &raw_deflate(&zeros));
        assert_bomb_stops("br", &hex(ZEROS_16M_BR));
        assert_bomb_stops("zstd", &zstd(&zeros));
    }

    #[test]
    fn zstd_bomb_from_rle_blocks() {
        // The zstd CLI writes 16 MiB of zeros as a frame without a content size and with
        // 128 KiB RLE blocks (4 bytes each): build such a frame by hand.
        let mut frame = ZSTD_MAGIC.to_le_bytes().to_vec();
        frame.push(0x04); // checksum flag, no content size
        frame.push(0x68); // window 8 MiB
        for i in 0..128u32 {
            let last = u32::from(i == 127);
            let header = (128 * 1024) << 3 | 1 << 1 | last;
            frame.extend_from_slice(&header.to_le_bytes()[..3]);
            frame.push(0);
        }
        frame.extend_from_slice(&[0, 0, 0, 0]);
        assert_bomb_stops("zstd", &frame);
        let whole = decode_in_pieces(Some("zstd"), &frame, 1 << 30, 5).expect("rle");
        assert_eq!(whole.len(), 16 * 1024 * 1024);
        assert!(whole.iter().all(|&b| b == 0));
    }

    #[test]
    fn zstd_content_size_over_cap_fails_early() {
        let raw = zstd(&vec![7u8; 4096]);
        let mut d = BodyDecoder::new(Some("zstd"), 1000);
        assert_eq!(
            d.push(&raw[..raw.len().min(20)]),
            Err(DecodeError::TooLarge { limit: 1000 })
        );
    }

    #[test]
    fn corrupt_and_truncated_bodies() {
        for enc in ["gzip", "deflate", "br", "zstd"] {
            let err = decode_in_pieces(Some(enc), b"this is not compressed at all", 1000, 5)
                .expect_err(enc);
            assert!(
                matches!(&err, DecodeError::Corrupt { coding, .. } if coding.name() == enc),
                "{enc}: {err}"
            );
        }
        let gz = gzip(&large_text());
        let err = decode_in_pieces(Some("gzip"), &gz[..gz.len() / 2], 1 << 30, 100)
            .expect_err("truncated gzip");
        assert!(err.to_string().contains("gzip"), "{err}");
        let z = zstd(&large_text());
        let err = decode_in_pieces(Some("zstd"), &z[..z.len() - 3], 1 << 30, 100)
            .expect_err("truncated zstd");
        assert!(err.to_string().contains("ends early"), "{err}");
        let br = hex(TEXT_BR);
        assert!(decode_in_pieces(Some("br"), &br[..br.len() - 2], 1000, 3).is_err());
        let mut trailing = hex(TEXT_BR);
        trailing.extend_from_slice(b"junk");
        let err = decode_in_pieces(Some("br"), &trailing, 1000, 1000).expect_err("trailing");
        assert!(err.to_string().contains("after the end"), "{err}");
    }

    #[test]
    fn text_invalid_utf8_becomes_replacement() {
        assert_eq!(
            decode_text(b"ok \xff\xfe end", None),
            "ok \u{fffd}\u{fffd} end"
        );
        assert_eq!(
            decode_text(b"a\xc3(b", Some("text/plain; charset=utf-8")),
            "a\u{fffd}(b"
        );
        assert_eq!(decode_text(b"\xef\xbb\xbfbom", None), "bom");
    }

    #[test]
    fn text_latin1_and_windows_1252() {
        assert_eq!(
            decode_text(
                b"Jalan Merdeka \xe9 \xfc",
                Some("text/html; charset=ISO-8859-1")
            ),
            "Jalan Merdeka é ü"
        );
        assert_eq!(
            decode_text(
                b"\x93kutip\x94 \x80",
                Some("text/plain;charset=\"windows-1252\"")
            ),
            "\u{201c}kutip\u{201d} \u{20ac}"
        );
        // An unknown label falls back to UTF-8.
        assert_eq!(
            decode_text("é".as_bytes(), Some("text/plain; charset=x-bogus")),
            "é"
        );
    }

    #[test]
    fn charset_parameter_parsing() {
        assert_eq!(charset_param("text/html; Charset=\"UTF-8\""), Some("UTF-8"));
        assert_eq!(
            charset_param("text/html;q=1; charset=latin1"),
            Some("latin1")
        );
        assert_eq!(charset_param("application/json"), None);
        assert_eq!(charset_param("text/plain; charset="), None);
    }
}
