// Leaflet maps without a tile layer: nothing is fetched from the internet at run time, so the
// roads and vehicles are drawn on a plain background and the view is fitted to what is shown.

import * as L from 'leaflet';
import 'leaflet/dist/leaflet.css';

import marker_icon from 'leaflet/dist/images/marker-icon.png';
import marker_icon_2x from 'leaflet/dist/images/marker-icon-2x.png';
import marker_shadow from 'leaflet/dist/images/marker-shadow.png';

// Leaflet's marker, with its images bundled next to app.js rather than found from leaflet.css.
const vehicle_icon = L.icon({
    iconUrl: marker_icon,
    iconRetinaUrl: marker_icon_2x,
    shadowUrl: marker_shadow,
    iconSize: [25, 41],
    iconAnchor: [12, 41],
    popupAnchor: [1, -34],
    tooltipAnchor: [16, -28],
    shadowSize: [41, 41],
});

/// A map in `el` with zoom buttons and no background tiles.
export function create_map(el, label) {
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', label);
    const map = L.map(el, {
        attributionControl: false,
        zoomSnap: 0.25,
        tap: false,
    });
    map.setView([40.82, 140.74], 12);
    return map;
}

/// Draws an order's roads (a GeoJSON FeatureCollection) on a light casing so that they stand
/// out on any background; fits the view to them, else to `bbox` [west, south, east, north].
export function draw_roads(map, geojson, bbox) {
    const casing = L.geoJSON(geojson, {
        style: () => ({ color: '#FFFFFF', weight: 11, opacity: 1, lineCap: 'round', lineJoin: 'round' }),
        pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 7 }),
        interactive: false,
    }).addTo(map);
    const roads = L.geoJSON(geojson, {
        style: () => ({ color: '#0072B2', weight: 6, opacity: 1, lineCap: 'round', lineJoin: 'round',
            className: 'order-road' }),
        pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 5 }),
        onEachFeature: (feature, layer) => {
            const name = feature.properties && (feature.properties.name || feature.properties.road_name);
            if (name) {
                layer.bindTooltip(String(name));
            }
        },
    }).addTo(map);
    const bounds = roads.getBounds();
    if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 18 });
    } else {
        fit_bbox(map, bbox);
    }
    return { casing, roads, count: roads.getLayers().length };
}

/// The roads of many orders (GeoJSON with `order` and `status` on each road), each drawn in its
/// order's status colour over a dark casing; a tap opens the order. Replaces what `layers` held.
export function draw_order_roads(map, geojson, colour_of, label_of, open, layers) {
    for (const layer of layers || []) {
        layer.remove();
    }
    const casing = L.geoJSON(geojson, {
        style: () => ({ color: '#000000', weight: 9, opacity: 1, lineCap: 'round', lineJoin: 'round' }),
        interactive: false,
    }).addTo(map);
    const roads = L.geoJSON(geojson, {
        style: (f) => ({ color: colour_of(f.properties.status), weight: 5, opacity: 1,
            lineCap: 'round', lineJoin: 'round', className: 'order-road' }),
        onEachFeature: (feature, layer) => {
            layer.bindTooltip(label_of(feature.properties));
            layer.on('click', () => open(feature.properties.order));
        },
    }).addTo(map);
    return [casing, roads];
}

export function fit_layers(map, layers) {
    const group = L.featureGroup(layers);
    const bounds = group.getBounds();
    if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    }
}

export function fit_bbox(map, bbox) {
    if (Array.isArray(bbox) && bbox.length === 4 && bbox.every((v) => Number.isFinite(v))) {
        map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], { padding: [24, 24], maxZoom: 18 });
    }
}

const many_vehicles = 200;

/// Vehicle markers: the default marker with the vehicle's code always shown; a stale position
/// (older than `stale_s`) drawn faded and its label saying how old it is.
export class VehicleLayer {
    constructor(map) {
        this.map = map;
        this.group = L.featureGroup().addTo(map);
        this.fitted = false;
    }

    update(vehicles, label_of, stale_s) {
        this.group.clearLayers();
        const located = vehicles.filter((v) => Number.isFinite(v.lat) && Number.isFinite(v.lon));
        // A whole city's fleet (hundreds to thousands) is drawn as dots on one canvas, labelled
        // on hover or tap; a contractor's few vehicles as markers with their codes always shown.
        const many = located.length > many_vehicles;
        if (many && !this.canvas) {
            this.canvas = L.canvas({ padding: 0.2 });
        }
        for (const v of located) {
            const stale = Number(v.age_s) > stale_s;
            if (many) {
                L.circleMarker([v.lat, v.lon], {
                    renderer: this.canvas, radius: 6, weight: 2, color: '#000000',
                    fillColor: stale ? '#FFFFFF' : '#0072B2', fillOpacity: 1,
                }).bindTooltip(label_of(v, true)).addTo(this.group);
                continue;
            }
            const marker = L.marker([v.lat, v.lon], {
                icon: vehicle_icon,
                title: label_of(v),
                alt: label_of(v),
                opacity: stale ? 0.5 : 1,
                keyboard: true,
            });
            marker.bindTooltip(label_of(v, true), {
                permanent: true, direction: 'auto',
                className: stale ? 'vehicle-label vehicle-label-stale' : 'vehicle-label',
            });
            marker.addTo(this.group);
        }
        const bounds = this.group.getBounds();
        if (!this.fitted && bounds.isValid()) {
            this.map.fitBounds(bounds, { padding: [40, 40], maxZoom: 16 });
            this.fitted = true;
        }
    }
}
