document.querySelector("#app").textContent = "hello from web";
