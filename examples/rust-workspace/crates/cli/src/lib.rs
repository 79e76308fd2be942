pub fn run() { println!("{}", ws_core::greeting()); }
