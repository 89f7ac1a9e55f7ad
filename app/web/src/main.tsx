import { render } from "preact";
import { Contributor } from "./pages/Contributor";
import { Datanet } from "./pages/Datanet";
import { Datanets } from "./pages/Datanets";
import { Epoch, Epochs } from "./pages/Epochs";
import { Record, Records } from "./pages/Explorer";
import { Leaderboard } from "./pages/Leaderboard";
import { Model } from "./pages/Model";
import { Models } from "./pages/Models";
import { useRoute } from "./router";
import "./style.css";

function App() {
  const route = useRoute();
  return (
    <>
      <header>
        <nav aria-label="Main">
          <a href="#/datanets">Datanets</a> <a href="#/models">Models</a> <a href="#/epochs">Epochs</a>
        </nav>
      </header>
      <main>
        {route.page === "datanets" && <Datanets />}
        {route.page === "datanet" && <Datanet id={route.id} />}
        {route.page === "leaderboard" && <Leaderboard id={route.id} />}
        {route.page === "contributor" && <Contributor address={route.address} />}
        {route.page === "epochs" && <Epochs />}
        {route.page === "epoch" && <Epoch epoch={route.epoch} />}
        {route.page === "records" && <Records epoch={route.epoch} />}
        {route.page === "record" && <Record epoch={route.epoch} settlement={route.settlement} record={route.record} />}
        {route.page === "models" && <Models />}
        {route.page === "model" && <Model id={route.id} />}
        {route.page === "missing" && (
          <p role="alert">
            No page at {route.path}. <a href="#/datanets">Go to the Datanets.</a>
          </p>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
