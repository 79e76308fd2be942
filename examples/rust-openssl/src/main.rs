//! Links the system OpenSSL (openssl-sys): answers with the SHA-256 of the request line.
use openssl::sha::sha256;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("0.0.0.0:8443")?;
    for stream in listener.incoming() {
        let mut stream = stream?;
        let mut line = String::new();
        BufReader::new(&stream).read_line(&mut line)?;
        let digest: String = sha256(line.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}", digest.len(), digest)?;
    }
    Ok(())
}
