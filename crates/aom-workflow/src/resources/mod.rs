//! Operations, grouped by the resource they act on.

mod executions;
mod jobs;
mod scripts;
mod templates;
mod workflows;

pub use executions::{ExecutionSummary, Executions, NodeAction};
pub use jobs::Jobs;
pub use scripts::Scripts;
pub use templates::Templates;
pub use workflows::Workflows;

use futures_util::Stream;

use crate::error::Error;

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The total number of matching items, when the service says.
    pub total: Option<i64>,
}

/// Streams every item of a paged list: `fetch(page_number)` returns one page. Stops at an empty
/// page, a short page, the reported total, or a page that repeats the previous one (a server
/// that ignores the page number must not make this loop forever).
pub(crate) fn paginate<'a, T, F, Fut>(
    first_page: i64,
    page_size: usize,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + 'a
where
    T: Clone + PartialEq + 'a,
    F: Fn(i64) -> Fut + 'a,
    Fut: std::future::Future<Output = Result<Page<T>, Error>> + 'a,
{
    struct State<T> {
        page: i64,
        seen: usize,
        previous_first: Option<T>,
        done: bool,
        buffer: std::collections::VecDeque<T>,
    }
    let state = State {
        page: first_page,
        seen: 0,
        previous_first: None,
        done: false,
        buffer: Default::default(),
    };
    futures_util::stream::unfold((state, fetch), move |(mut st, fetch)| async move {
        loop {
            if let Some(item) = st.buffer.pop_front() {
                return Some((Ok(item), (st, fetch)));
            }
            if st.done {
                return None;
            }
            let page = match fetch(st.page).await {
                Ok(page) => page,
                Err(e) => {
                    st.done = true;
                    return Some((Err(e), (st, fetch)));
                }
            };
            let n = page.items.len();
            if n == 0 || page.items.first() == st.previous_first.as_ref() {
                return None;
            }
            st.seen += n;
            st.page += 1;
            st.done = n < page_size || page.total.is_some_and(|t| st.seen as i64 >= t);
            st.previous_first = page.items.first().cloned();
            st.buffer.extend(page.items);
        }
    })
}
