//! The TCP listener, with a kill switch per connection so that a fault can drop a connection
//! without answering (the `reset` fault).
//!
//! Every accepted stream is wrapped in a [`KillableStream`]; its [`ConnHandle`] reaches the
//! handlers as axum `ConnectInfo`. [`ConnHandle::kill`] makes every later read or write on the
//! stream fail and sets `SO_LINGER` to zero, so when hyper drops the connection the kernel sends
//! a TCP reset instead of a clean close: the client sees "connection reset by peer" with no
//! response at all.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// The shared kill flag of one connection.
#[derive(Debug, Default)]
struct KillSwitch {
    killed: AtomicBool,
    wakers: Mutex<Vec<Waker>>,
}

impl KillSwitch {
    fn remember(&self, waker: &Waker) {
        if let Ok(mut wakers) = self.wakers.lock()
            && !wakers.iter().any(|w| w.will_wake(waker))
        {
            // A connection task has one or two wakers (read and write sides); keep it small.
            if wakers.len() >= 4 {
                wakers.remove(0);
            }
            wakers.push(waker.clone());
        }
    }
}

/// What a handler knows about the connection its request came on.
#[derive(Debug, Clone)]
pub struct ConnHandle {
    /// The peer's address.
    pub remote: SocketAddr,
    switch: Arc<KillSwitch>,
}

impl ConnHandle {
    /// Makes the connection fail: every later read or write errors, and closing it sends a TCP
    /// reset. The response being written (if any) never reaches the client.
    pub fn kill(&self) {
        self.switch.killed.store(true, Ordering::SeqCst);
        if let Ok(mut wakers) = self.switch.wakers.lock() {
            for waker in wakers.drain(..) {
                waker.wake();
            }
        }
    }
}

impl Connected<IncomingStream<'_, KillableListener>> for ConnHandle {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// A TCP stream that a [`ConnHandle`] can kill.
#[derive(Debug)]
pub struct KillableStream {
    inner: TcpStream,
    switch: Arc<KillSwitch>,
    lingered: bool,
}

impl KillableStream {
    fn check(&mut self, cx: &Context<'_>) -> io::Result<()> {
        if self.switch.killed.load(Ordering::SeqCst) {
            if !self.lingered {
                self.lingered = true;
                // Zero linger: closing the socket sends RST rather than FIN.
                let _ = self.inner.set_zero_linger();
            }
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "connection reset by an injected fault",
            ));
        }
        self.switch.remember(cx.waker());
        Ok(())
    }
}

impl AsyncRead for KillableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Err(e) = self.check(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.check(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Err(e) = self.check(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Err(e) = self.check(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Err(e) = self.check(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// A [`TcpListener`] whose connections can be killed (see the module docs).
#[derive(Debug)]
pub struct KillableListener {
    inner: TcpListener,
}

impl KillableListener {
    /// Wraps a bound listener.
    pub fn new(inner: TcpListener) -> Self {
        Self { inner }
    }
}

impl Listener for KillableListener {
    type Io = KillableStream;
    type Addr = ConnHandle;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, remote)) => {
                    let _ = stream.set_nodelay(true);
                    let switch = Arc::new(KillSwitch::default());
                    let handle = ConnHandle {
                        remote,
                        switch: Arc::clone(&switch),
                    };
                    let io = KillableStream {
                        inner: stream,
                        switch,
                        lingered: false,
                    };
                    return (io, handle);
                }
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(ConnHandle {
            remote: self.inner.local_addr()?,
            switch: Arc::new(KillSwitch::default()),
        })
    }
}
